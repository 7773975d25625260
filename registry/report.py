"""The validation report: checks grouped in sections, each passed, warned or failed."""

from dataclasses import dataclass, field

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"


@dataclass
class Check:
    """One check: its section, what it checks, its outcome and the details."""
    section: str
    name: str
    status: str
    details: list = field(default_factory=list)


class Report:
    """The checks of one validation run of the registry published at base_url,
    in the order they ran."""

    def __init__(self, subject, base_url=None):
        self.subject = subject
        self.base_url = base_url or subject
        self.checks = []
        self.section = ""
        self.requests = 0
        self.seconds = 0.0

    def start(self, section):
        """Makes section the section of the checks that follow."""
        self.section = section

    def add(self, name, problems=(), warn_only=False):
        """Records the check name, failed (or warned, with warn_only) when
        problems (a list of reasons) is not empty; returns True if it passed."""
        problems = [problems] if isinstance(problems, str) else list(problems)
        status = PASS if not problems else WARN if warn_only else FAIL
        self.checks.append(Check(self.section, name, status, problems))
        return not problems

    def info(self, name, details=()):
        """Records a passed check carrying details worth showing."""
        self.checks.append(Check(self.section, name, PASS, list(details)))

    @property
    def failures(self):
        """Returns the failed checks."""
        return [c for c in self.checks if c.status == FAIL]

    @property
    def ok(self):
        """Returns True if no check failed."""
        return not self.failures

    def text(self, verbose=False):
        """Returns the report as text: every check with its status, the details
        of failures and warnings (of all checks with verbose), and a summary."""
        lines = [f"Registry validation of {self.subject}"]
        section = None
        for check in self.checks:
            if check.section != section:
                section = check.section
                lines.append(f"\n{section}")
            lines.append(f"  [{check.status}] {check.name}")
            if check.status != PASS or verbose:
                lines += [f"         {detail}" for detail in check.details]
        counts = {s: sum(c.status == s for c in self.checks) for s in (PASS, WARN, FAIL)}
        lines.append(f"\n{len(self.checks)} checks: {counts[PASS]} passed,"
            f" {counts[WARN]} warnings, {counts[FAIL]} failed"
            f" ({self.requests} OAI-PMH requests in {self.seconds:.1f} s)")
        lines.append("The registry is VALID." if self.ok else "The registry is NOT VALID.")
        return "\n".join(lines)
