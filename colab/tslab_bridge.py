"""%%tslab for a Python (Colab) kernel: TypeScript cells run on a tslab kernel started as a subprocess.

Colab only runs its own Python kernel reliably, so gritloc's Colab notebooks stay on it and send every
TypeScript cell to a tslab kernel through jupyter_client. Outputs come back as they happen: stdout/stderr,
display_data (HTML, PNG, plotly JSON, text), errors. State lives in the tslab kernel, so it persists across
cells until `%tslab_reset`.

    %load_ext tslab_bridge
    %%tslab
    const answer: number = 42;

Configuration (environment, read when the kernel starts): TSLAB_BRIDGE_KERNEL (kernelspec name, default
"tslab"), TSLAB_BRIDGE_CWD (the kernel's working folder, default the current one; it must see the gritloc
package under node_modules). JUPYTER_PATH must lead to the kernelspec (`gritloc kernel install` prints it).
"""

import atexit
import os
import queue
import sys
import time

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.display import clear_output, publish_display_data

# tslab drops requests that arrive within 200 ms after a failed one (yunabe/tslab#19): wait that out.
_ERROR_SETTLE_S = 0.3
_POLL_S = 0.1
_INTERRUPT_GRACE_S = 15.0


class TslabError(Exception):
    """A TypeScript cell failed to compile or threw; the message is tslab's."""


def _summarize(stderr_text):
    """The line that says what went wrong: a compile diagnostic ("3:7 - ...") or a thrown "XError: ...".
    Falls back to the last lines tslab printed."""
    lines = [line for line in stderr_text.splitlines() if line.strip()]
    diagnostics = [line for line in lines if _is_diagnostic(line)]
    if diagnostics:
        return "\n".join(diagnostics)
    for line in lines:
        head = line.split(":", 1)[0]
        if ":" in line and (head.endswith("Error") or head.endswith("Exception")) and " " not in head:
            return line.strip()
    return "\n".join(lines[-20:]) if lines else "the cell failed without a message"


def _is_diagnostic(line):
    position, sep, _ = line.partition(" - ")
    parts = position.split(":")
    return bool(sep) and len(parts) == 2 and all(part.isdigit() for part in parts)


class TslabBridge:
    """One tslab kernel subprocess and the relay of its messages into the current (Python) cell."""

    def __init__(self, kernel_name=None, cwd=None, startup_timeout=180):
        self.kernel_name = kernel_name or os.environ.get("TSLAB_BRIDGE_KERNEL", "tslab")
        self.cwd = cwd or os.environ.get("TSLAB_BRIDGE_CWD") or os.getcwd()
        self.startup_timeout = startup_timeout
        self.manager = None
        self.client = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self):
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import KernelManager

        manager = KernelManager(kernel_name=self.kernel_name)
        try:
            manager.start_kernel(cwd=self.cwd, env=dict(os.environ, GRITLOC_NOTEBOOK_BRIDGE="1"))
        except NoSuchKernel:
            raise TslabError(
                "no Jupyter kernel named %r; run `gritloc kernel install --prefix DIR` and put the "
                "JUPYTER_PATH it prints into os.environ before %%load_ext tslab_bridge "
                "(JUPYTER_PATH is now %r)" % (self.kernel_name, os.environ.get("JUPYTER_PATH", ""))
            ) from None
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as error:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
            raise TslabError("the tslab kernel did not start: %s" % error) from None
        self.manager, self.client = manager, client

    def ensure_started(self):
        if self.manager is None or not self.manager.is_alive():
            if self.manager is not None:
                self.shutdown()
            self.start()

    def shutdown(self):
        if self.client is not None:
            self.client.stop_channels()
        if self.manager is not None:
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:  # already gone: nothing left to stop
                pass
        self.manager = self.client = None

    def shutdown_at_exit(self):
        """At interpreter exit the Python kernel's event loop is gone and jupyter_client's (async) shutdown
        fails, so the subprocess is stopped directly: SIGTERM, then SIGKILL if it lingers."""
        process = getattr(getattr(self.manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=3)
            except Exception:  # still running: it gets no more time
                process.kill()
        if self.client is not None:
            self.client.stop_channels()
            self.client.context.destroy(linger=0)
        if self.manager is not None:
            try:
                self.manager.cleanup_connection_file()
            except Exception:  # best effort: a stale connection file in the runtime dir is harmless
                pass
        self.manager = self.client = None

    def restart(self):
        self.shutdown()
        self.start()

    # -- one cell --------------------------------------------------------------------------------------
    def execute(self, code):
        """Runs `code` on the tslab kernel, relaying its output; raises TslabError when the cell fails and
        KeyboardInterrupt (after interrupting the kernel) when the user interrupts."""
        self.ensure_started()
        self._drain_iopub()
        msg_id = self.client.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        state = {"stderr": [], "error": None, "idle": False}
        interrupted_at = None
        while not state["idle"]:
            try:
                self._pump(msg_id, state)
                if interrupted_at is not None and time.monotonic() - interrupted_at > _INTERRUPT_GRACE_S:
                    sys.stderr.write("tslab did not stop after the interrupt; run %tslab_reset to restart it\n")
                    break
                if not self.manager.is_alive():
                    raise TslabError("the tslab kernel exited; run %tslab_reset (or the cell again) to restart it")
            except KeyboardInterrupt:
                if interrupted_at is None:
                    interrupted_at = time.monotonic()
                    self.manager.interrupt_kernel()
        if interrupted_at is not None:
            time.sleep(_ERROR_SETTLE_S)
            raise KeyboardInterrupt("the TypeScript cell was interrupted")
        reply = self._reply(msg_id)
        status = reply.get("status", "error") if reply is not None else "error"
        if status == "ok":
            return
        time.sleep(_ERROR_SETTLE_S)
        if status == "aborted" or status == "abort":
            raise TslabError("tslab skipped this cell right after a failed one; run it again")
        error = state["error"]
        if error is not None and (error.get("ename") or error.get("evalue")):
            raise TslabError("%s: %s" % (error.get("ename", "Error"), error.get("evalue", "")))
        raise TslabError(_summarize("".join(state["stderr"])))

    def _drain_iopub(self):
        """Drops messages left from earlier cells (e.g. output after an interrupt)."""
        while True:
            try:
                self.client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def _pump(self, msg_id, state):
        try:
            msg = self.client.get_iopub_msg(timeout=_POLL_S)
        except queue.Empty:
            return
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            return
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status":
            state["idle"] = content.get("execution_state") == "idle"
        elif kind == "stream":
            stream = sys.stderr if content.get("name") == "stderr" else sys.stdout
            if stream is sys.stderr:
                state["stderr"].append(content.get("text", ""))
            stream.write(content.get("text", ""))
            stream.flush()
        elif kind in ("display_data", "execute_result", "update_display_data"):
            publish_display_data(
                data=content.get("data", {}),
                metadata=content.get("metadata") or {},
                transient=content.get("transient") or None,
                **({"update": True} if kind == "update_display_data" else {})
            )
        elif kind == "clear_output":
            clear_output(wait=content.get("wait", False))
        elif kind == "error":
            state["error"] = content
            for line in content.get("traceback", []):
                sys.stderr.write(line + "\n")

    def _reply(self, msg_id):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_shell_msg(timeout=_POLL_S)
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg["content"]
        return None


@magics_class
class TslabMagics(Magics):
    def __init__(self, shell, bridge):
        super().__init__(shell)
        self.bridge = bridge

    @cell_magic
    def tslab(self, line, cell):
        """Runs the cell as TypeScript on the tslab kernel (state persists across cells)."""
        self.bridge.execute(cell)

    @line_magic
    def tslab_reset(self, line):
        """Restarts the tslab kernel: all TypeScript state is lost."""
        self.bridge.restart()
        print("tslab kernel restarted")


_bridge = None


def get_bridge():
    """The bridge `%load_ext tslab_bridge` made (None before)."""
    return _bridge


def _show_tslab_error(shell, etype, value, tb, tb_offset=None):
    """TypeScript failures show tslab's message, not the Python frames of the bridge that relayed it."""
    return ["\x1b[0;31m%s\x1b[0m: %s" % (etype.__name__, value)]


def load_ipython_extension(ipython):
    global _bridge
    if _bridge is None:
        _bridge = TslabBridge()
        atexit.register(_bridge.shutdown_at_exit)
    ipython.register_magics(TslabMagics(ipython, _bridge))
    # The cell still fails (Colab and nbconvert see an error reply with ename TslabError), with a short traceback.
    ipython.set_custom_exc((TslabError,), _show_tslab_error)


def unload_ipython_extension(ipython):
    global _bridge
    ipython.set_custom_exc((), None)
    if _bridge is not None:
        _bridge.shutdown()
        _bridge = None
