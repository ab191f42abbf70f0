"""Drives colab/tslab_bridge.py from a plain IPython shell and prints what each step observed as JSON lines,
for test/colab/bridge.test.ts to assert on. Needs JUPYTER_PATH leading to the tslab kernelspec."""

import _thread
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "colab"))

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

ip = InteractiveShell.instance()
ip.extension_manager.load_extension("tslab_bridge")


def step(name, code=None, line_magic=None, interrupt_after=None):
    observed = {"step": name}
    timer = None
    if interrupt_after is not None:
        timer = threading.Timer(interrupt_after, _thread.interrupt_main)
        timer.start()
    started = time.monotonic()
    with capture_output() as captured:
        try:
            if line_magic is not None:
                ip.run_line_magic(line_magic, "")
            else:
                ip.run_cell_magic("tslab", "", code)
            observed["raised"] = None
        except BaseException as error:  # KeyboardInterrupt included: it is what the step checks
            observed["raised"] = type(error).__name__
            observed["message"] = str(error)
    if timer is not None:
        timer.cancel()
    observed["seconds"] = round(time.monotonic() - started, 2)
    observed["stdout"] = captured.stdout
    observed["stderr"] = captured.stderr
    observed["outputs"] = [sorted(output.data.keys()) for output in captured.outputs]
    observed["html"] = [output.data.get("text/html") for output in captured.outputs if "text/html" in output.data]
    observed["texts"] = [output.data.get("text/plain") for output in captured.outputs if "text/plain" in output.data]
    observed["plotly"] = [output.data.get("application/vnd.plotly.v1+json") for output in captured.outputs
                          if "application/vnd.plotly.v1+json" in output.data]
    print(json.dumps(observed), flush=True)


step("define", "const answer: number = 41;")
step("use", "console.log(answer + 1);")
step("throw", 'throw new Error("boom from TS");')
step("compile-error", 'const n: number = "text";')
step("after-error", "console.log(`still ${answer}`); console.error('to stderr');")
step(
    "display",
    'import * as tslab from "tslab";\n'
    'tslab.display.html("<b>bold</b>");\n'
    "tslab.display.png(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]));\n"
    'tslab.display.text("plain text");\n'
    'tslab.display.raw("application/vnd.plotly.v1+json", JSON.stringify({ data: [{ y: [1, 2] }] }));',

)
# 02-inference stops its run from a SIGINT listener: the bridge's interrupt must reach user listeners too.
step("listen", "let sigints = 0;\nprocess.on(\"SIGINT\", () => { sigints += 1; });")
step("interrupt-async", "await new Promise((resolve) => setTimeout(resolve, 120000));", interrupt_after=3)
step("interrupt-sync", "const until = Date.now() + 120000; while (Date.now() < until) {}", interrupt_after=3)
step("after-interrupt", "console.log(`alive ${answer}, ${sigints} SIGINTs seen`);")
step("reset", line_magic="tslab_reset")
step("after-reset", "console.log(typeof answer);")
ip.extension_manager.unload_extension("tslab_bridge")
