"""A CloudCasa-like server for the tests: shaped like CloudCasa's published OpenAPI document, unlike casatui's demo."""
