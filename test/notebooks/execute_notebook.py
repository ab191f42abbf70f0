"""Executes one notebook headless with nbconvert's ExecutePreprocessor (what `jupyter nbconvert --to notebook
--execute` runs; errors are never allowed) and writes the executed copy. On a cell error it still writes the
copy up to that cell and prints that cell's stderr and error outputs: tslab's error replies carry no
ename/evalue, so nbconvert alone would show an empty "<Error>" instead of the TypeScript message.

usage: python3 execute_notebook.py NOTEBOOK OUT.ipynb TIMEOUT_S"""

import os
import sys

import nbformat
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import ExecutePreprocessor

source, out, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(source, as_version=4)
executor = ExecutePreprocessor(timeout=timeout, allow_errors=False)
try:
    # The kernel runs in the notebook's own folder, as with `jupyter nbconvert --execute`.
    executor.preprocess(nb, {"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
except CellExecutionError as error:
    nbformat.write(nb, out)
    sys.stderr.write("%s\n" % error)
    failing = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("outputs")][-1:]
    for index, cell in failing:
        sys.stderr.write("---- stderr/error output of cell %d ----\n" % index)
        for output in cell.outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                sys.stderr.write(output.get("text", ""))
            elif output.get("output_type") == "error":
                sys.stderr.write("%s: %s\n" % (output.get("ename"), output.get("evalue")))
    sys.exit(1)
nbformat.write(nb, out)
