"""The one matcher of the palette and the pickers: which names a query finds, in which order, and where."""

from __future__ import annotations

from casatui.core.fuzzy import collection_names, initials, match, rank, word_starts

KUBE = ["backupinstances", "kubebackups", "kubeclusters", "kubehooks", "kubenamespaces", "kuberestores", "jobs",
        "policies", "rbac/permissions", "usergroups"]  # fmt: skip


def ranked(query: str, names: list[str] = KUBE) -> list[str]:
    return [name for name, _ in rank(query, [(name, collection_names(name, name[:-1].capitalize())) for name in names])]


def test_words_start_at_separators_capitals_digits_and_known_prefixes() -> None:
    assert word_starts("kubebackups") == [0, 4]
    assert word_starts("rbac/permissions") == [0, 5]
    assert word_starts("server_changes") == [0, 7]
    assert word_starts("kubeAgentVersion") == [0, 4, 9]
    assert word_starts("ec2instances") == [0, 2, 3]
    assert word_starts("kube") == [0]  # a prefix alone is one word
    assert initials("kubebackups") == "kb" and initials("Run this backup now") == "rtbn"
    assert initials("jobs") == ""


def test_a_collection_is_found_by_its_name_title_initials_and_aliases() -> None:
    assert collection_names("kubebackups", "Kubebackup") == ("kubebackups", "Kubebackup", "kb")
    assert collection_names("policies", "policy", ["pol", "pols"]) == ("policies", "policy", "pol", "pols")
    found = match("pols", collection_names("policies", "policy", ["pols"]))
    assert found is not None and found.score == 1.0 and found.name == 2
    # Server text: what is matched and shown is the visible form.
    names = collection_names("evil\x1b]52", "\u202eEvil")
    assert names[:2] == ("evil␛]52", "⟨U+202E⟩Evil") and not any("\x1b" in n or "\u202e" in n for n in names)


def test_kb_ranks_kubebackups_first() -> None:
    assert ranked("kb")[0] == "kubebackups"
    assert ranked("kc")[0] == "kubeclusters"
    assert ranked("kr")[0] == "kuberestores"
    assert "backupinstances" not in ranked("kb")  # no k before a b in its names


def test_kinds_of_match_rank_whole_then_start_then_word_then_substring_then_letters() -> None:
    names = ["unbackupable", "kubebackups", "backup", "backups", "bxaxcxk"]
    assert ranked("backup", names) == ["backup", "backups", "kubebackups", "unbackupable"]
    assert ranked("back", ["bxaxcxk", "unbackupable"]) == ["unbackupable", "bxaxcxk"]
    # Letters at words' starts beat the same letters inside words.
    assert ranked("kb", ["kubeclusters", "kubebackups"]) == ["kubebackups", "kubeclusters"]


def test_actions_are_found_by_initials_words_in_any_order_and_separators_as_spaces() -> None:
    run = ["Run this backup now", "R", "run_now"]
    assert match("rtbn", run) is not None and match("rtbn", run).name == 0  # type: ignore[union-attr]
    found = match("backup run", run)
    assert found is not None and found.positions == (0, 1, 2, 9, 10, 11, 12, 13, 14)
    found = match("run now", run)
    assert found is not None and found.score == 1.0 and found.name == 2
    assert match("server side", ["Filter (server-side where)"]) is not None
    assert match("xyz", run) is None


def test_positions_are_those_of_the_name_as_shown() -> None:
    found = match("kb", ["Kubebackups"])
    assert found is not None and found.positions == (0, 4)
    # A capital that lower-cases to two characters does not shift the positions after it.
    found = match("stan", ["İstanbul"])
    assert found is not None and found.positions == (1, 2, 3, 4)


def test_equal_scores_keep_the_entries_order_and_the_empty_query_keeps_all() -> None:
    assert ranked("kube", ["kubehooks", "kubeclusters"]) == ["kubehooks", "kubeclusters"]  # shorter covers more
    assert ranked("oo", ["kubehooks", "kubeoffloads"]) == ["kubehooks", "kubeoffloads"]
    assert ranked("", KUBE) == KUBE
    assert ranked("  ", KUBE) == KUBE


def test_a_long_name_and_query_stay_linear() -> None:
    # Every placement of many repeated letters: an exhaustive search would try C(200, 40) of them.
    found = match("a" * 40 + "b", ["a" * 200 + "b"])
    assert found is not None and found.positions[-1] == 200
