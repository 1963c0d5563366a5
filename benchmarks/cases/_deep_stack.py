"""Twenty frames of user code between the `try` and the `raise`, for the deep-stack case.

Each function is its own frame with its own source line, so no frame is folded as a repetition.
"""


def frame_01() -> None:
    frame_02()


def frame_02() -> None:
    frame_03()


def frame_03() -> None:
    frame_04()


def frame_04() -> None:
    frame_05()


def frame_05() -> None:
    frame_06()


def frame_06() -> None:
    frame_07()


def frame_07() -> None:
    frame_08()


def frame_08() -> None:
    frame_09()


def frame_09() -> None:
    frame_10()


def frame_10() -> None:
    frame_11()


def frame_11() -> None:
    frame_12()


def frame_12() -> None:
    frame_13()


def frame_13() -> None:
    frame_14()


def frame_14() -> None:
    frame_15()


def frame_15() -> None:
    frame_16()


def frame_16() -> None:
    frame_17()


def frame_17() -> None:
    frame_18()


def frame_18() -> None:
    frame_19()


def frame_19() -> None:
    frame_20()


def frame_20() -> None:
    raise ValueError("boom")
