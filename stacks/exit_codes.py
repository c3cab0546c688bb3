"""Exit codes and the version line of both commands (`ml-tenancy preview` and `mlt-postdeploy`), one table.

It sits in the ground floor so both command-line modules share it without importing each other.

0 and 1 keep the meaning they always had; the others tell apart what a caller (CI, a script)
must handle differently: fix the input, get a human to approve a protected change, or report a bug.
Standard library only: the CLIs import this at module level and must start fast.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0             # preview: nothing blocks; post-deploy: everything is (or would be) in place
    FAILED = 1         # preview: a mandatory policy violation; post-deploy: an operation failed or is blocked
    INVALID_INPUT = 2  # config, a file or an option is wrong; nothing was written or sent
    PROTECTED = 3      # preview: `pulumi up` would refuse to delete or replace a protected resource
    NO_ACCESS = 4      # post-deploy: no Azure credentials, or they were refused; nothing was changed
    INTERNAL = 70      # a bug (EX_SOFTWARE): the message says where; please report it

    @property
    def reason(self) -> str:
        return _REASONS[self]


_REASONS = {
    ExitCode.OK: "ok",
    ExitCode.FAILED: "failed",
    ExitCode.INVALID_INPUT: "invalid input",
    ExitCode.PROTECTED: "protected change",
    ExitCode.NO_ACCESS: "no access to Azure",
    ExitCode.INTERNAL: "internal error",
}

PREVIEW_REASONS = {
    ExitCode.OK: "clean",
    ExitCode.FAILED: "mandatory policy violation",
    ExitCode.INVALID_INPUT: "invalid input",
    ExitCode.PROTECTED: "protected change",
    ExitCode.INTERNAL: "internal error",
}


def table_markdown() -> str:
    """The table as the README shows it (a test keeps the two equal)."""
    rows = [
        (ExitCode.OK, "clean: no mandatory violation, no protected change", "everything is, or would be, in place"),
        (ExitCode.FAILED, "a mandatory policy violation", "an operation failed or is blocked"),
        (ExitCode.INVALID_INPUT, "invalid config, file or option; nothing written",
         "invalid config, outputs file or option; nothing sent"),
        (ExitCode.PROTECTED, "`pulumi up` would refuse: delete or replace of a protected resource", "-"),
        (ExitCode.NO_ACCESS, "-", "no Azure credentials, or Azure refused them"),
        (ExitCode.INTERNAL, "internal error (a bug; the message says where)", "internal error"),
    ]
    lines = ["| code | preview | post-deploy |", "|---:|---|---|"]
    lines += [f"| {int(code)} | {p} | {d} |" for code, p, d in rows]
    return "\n".join(lines)


def version_text(command: str = "ml-tenancy") -> str:
    """What `--version` prints: the command and the installed project's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{command} {version('ml-tenancy')}"
    except PackageNotFoundError:
        return f"{command} (not installed as a package)"
