"""Runs the parity scripts for the Java harness in one long-lived interpreter.

Importing torch and torchvision takes seconds, longer than most of the runs themselves, and a
test JVM asks for dozens of runs. TorchvisionOracle therefore starts this server once and sends
it each run as a request; the run is then exactly what

    /usr/bin/python3 SCRIPT ARG...

does (the script is executed as __main__ with that sys.argv, each time afresh), without the
interpreter's start and the imports. Every script seeds whatever it draws, so a run's files do
not depend on the runs before it.

Protocol, one JSON object per line: the server first writes {"ready": true, "torch": VERSION,
"torchvision": VERSION} once torch and torchvision are imported (if they cannot be, it exits
with an error instead); then it reads requests {"script": NAME, "args": [...]} from stdin and
answers each with {"exit": CODE, "output": TEXT}, TEXT being what the run wrote to stdout and
stderr. It exits at the end of stdin, i.e. when the JVM that started it is gone. Whatever native
code writes to the standard output goes to the standard error, so that it cannot garble an
answer.
"""

import contextlib
import io
import json
import os
import runpy
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def run(script, args):
    """(exit code, output) of the script run as __main__ with these arguments."""
    path = os.path.join(HERE, os.path.basename(script))
    output = io.StringIO()
    saved_argv, saved_path = sys.argv, list(sys.path)
    code = 0
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            sys.argv = [path] + list(args)
            runpy.run_path(path, run_name="__main__")
        except SystemExit as e:
            # as the interpreter treats it: None is 0, a number the code, anything else printed
            if e.code is None:
                code = 0
            elif isinstance(e.code, int):
                code = e.code
            else:
                print(e.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 - reported to the caller like an uncaught error
            traceback.print_exc()
            code = 1
        finally:
            sys.argv, sys.path[:] = saved_argv, saved_path
    return code, output.getvalue()


def main():
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    import torch  # noqa: E402 - the point of the server: imported once
    import torchvision  # noqa: E402

    def answer(value):
        answers.write(json.dumps(value) + "\n")
        answers.flush()

    answer({"ready": True, "torch": torch.__version__, "torchvision": torchvision.__version__})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        code, output = run(request["script"], request.get("args", []))
        answer({"exit": code, "output": output})
    return 0


if __name__ == "__main__":
    sys.exit(main())
