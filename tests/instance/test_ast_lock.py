"""ast.parse in one thread at a time: threads parsing while the garbage collector
runs finalizers no longer fail with "AST constructor recursion depth mismatch"."""

import subprocess
import sys

from instance.settings import REPO

#: Eight threads parsing literals, with finalizers run by frequent collections.
PARSING_THREADS = """
import ast, gc, sys, threading
sys.setswitchinterval(1e-6)
gc.set_threshold(50, 1, 1)
if sys.argv[1] == "serialized":
    from instance import ast_lock
    assert ast_lock.serialize_parse() and not ast_lock.serialize_parse()
failures = []
class Finalized:
    def __del__(self):
        sum(range(50))
def parse():
    for _ in range(20000):
        cycle = Finalized(); cycle.me = cycle; del cycle
        try:
            assert ast.literal_eval("((1, 2), (3, [4, 5, (6, 7)]), 'abc', {1: 2})")[3] == {1: 2}
        except SystemError as error:
            failures.append(str(error))
            return
threads = [threading.Thread(target=parse) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
print(len(failures))
"""


def failures(mode):
    result = subprocess.run([sys.executable, "-c", PARSING_THREADS, mode], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_serialized_parse_never_fails():
    assert failures("serialized") == 0
    if sys.version_info[:2] == (3, 11):
        # Debian 12's Python: the same threads fail without the lock.
        assert failures("plain") > 0
