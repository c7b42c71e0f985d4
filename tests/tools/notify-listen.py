#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""notify-listen.py SOCKET OUT INGEST [PORT]: stand in for systemd's
notification socket.  Binds a datagram socket at SOCKET (open to the
daemon's account), and appends each message it receives to OUT, followed
by a "--" line.  When a message holds READY=1 it first tries, at that
moment, the daemon's listeners: "ingest=accepting" if a SOCK_SEQPACKET
connection to INGEST is accepted (else "ingest=refused"), and with PORT,
"release=accepting" or "release=refused" for TCP 127.0.0.1:PORT.  Exits
after STOPPING=1, or after 120 s."""
import os
import socket
import sys
import time


def tries(family, kind, address):
    s = socket.socket(family, kind)
    s.settimeout(2)
    try:
        s.connect(address)
        return "accepting"
    except OSError:
        return "refused"
    finally:
        s.close()


def main():
    path, out, ingest = sys.argv[1:4]
    port = int(sys.argv[4]) if len(sys.argv) > 4 else None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            msg = sock.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            break
        lines = [msg]
        if "READY=1" in msg.split("\n"):
            lines.append("ingest=" + tries(socket.AF_UNIX,
                                           socket.SOCK_SEQPACKET, ingest))
            if port is not None:
                lines.append("release=" + tries(socket.AF_INET,
                                                socket.SOCK_STREAM,
                                                ("127.0.0.1", port)))
        with open(out, "a") as f:
            f.write("\n".join(lines) + "\n--\n")
        if "STOPPING=1" in msg.split("\n"):
            break


main()
