"""Ralph, the open-source LRS, run as a real server on loopback for the forwarding
tests. It lives in its own virtualenv (``make ralph``: its pinned dependencies
clash with ours) and is started with the filesystem backend and Basic auth."""

import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RALPH = ROOT / "var" / "ralph-venv" / "bin" / "ralph"
KEY, SECRET = "relais", "ralph-secret-for-tests"
HOME = "https://relais.test"  # the account Ralph names as the statements' authority


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """Ralph's LRS (tests/ralph_server.py: ``ralph runserver -b fs`` without its
    reloader) with a Basic auth user made by ``ralph auth``, stopped and started
    again on the same port and data directory."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.directory / "app"),
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
        }
        subprocess.run(
            [
                RALPH,
                "auth",
                "-u",
                KEY,
                "-p",
                SECRET,
                "-s",
                "all",
                "-w",
                "-A",
                KEY,
                HOME,
            ],
            env=self.env,
            cwd=self.directory,
            check=True,
            capture_output=True,
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self):
        (self.directory / "data").mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                RALPH.with_name("python"),
                ROOT / "tests" / "ralph_server.py",
                "127.0.0.1",
                str(self.port),
                str(self.directory / "data"),
            ],
            env=self.env,
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "ralph.log", "ab"),  # noqa: SIM115
            start_new_session=True,
        )
        # Waits for the server to answer (start-up takes a few seconds).
        for _attempt in range(300):
            if self.process.poll() is not None:
                raise RuntimeError((self.directory / "ralph.log").read_text()[-2000:])
            try:
                self.get("statements?limit=1")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Ralph did not start")

    def stop(self):
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.process = None
        # Until its children let go of the port.
        for _attempt in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.1)

    def get(self, path):
        request = urllib.request.Request(  # noqa: S310 (our own http URL)
            self.url + path,
            headers={
                "X-Experience-API-Version": "1.0.3",
                "Authorization": "Basic "
                + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read() or b"null")

    def post(self, statements):
        request = urllib.request.Request(  # noqa: S310 (our own http URL)
            self.url + "statements",
            data=json.dumps(statements).encode(),
            method="POST",
            headers={
                "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json",
                "Authorization": "Basic "
                + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status

    def statement(self, statement_id):
        found = self.get(f"statements?statementId={statement_id}")
        if isinstance(found, dict) and "statements" in found:
            return (found["statements"] or [None])[0]
        return found

    def all_ids(self):
        """Every statement id Ralph holds, with repeats (following ``more``)."""
        ids, path = [], "statements?limit=500"
        while path:
            page = self.get(path)
            ids += [statement["id"] for statement in page["statements"]]
            more = page.get("more") or ""
            path = more.split("/xAPI/", 1)[-1] if more else ""
        return ids
