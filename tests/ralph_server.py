"""Ralph's LRS app as ``ralph runserver -b fs`` serves it, run by Ralph's own
Python (var/ralph-venv) for tests/ralph_kit.py, with two differences:

* no reloader process, so stopping the server is stopping one process;
* its filesystem backend appends: in Ralph 5.1 it creates its one file at the
  first POST and refuses every later write ("already exists and overwrite is not
  allowed"), so a second batch would fail on an LRS that is working fine.

Usage: python tests/ralph_server.py HOST PORT DATA_DIRECTORY
"""

import os
import sys

host, port, directory = sys.argv[1:4]
os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = directory

import uvicorn  # noqa: E402
from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host=host, port=int(port), log_level="warning")
