#!/usr/bin/env python3
"""TCP bulk-transfer tool for bench/tcp.sh (standard library only).

  tcpload.py backend PORT                      sink/source server: a connection whose first byte is 'U' is read and
                                               discarded until EOF; 'D' gets bulk bytes until the client closes.
  tcpload.py load PORT CONNECTIONS SECONDS U|D  opens CONNECTIONS connections to 127.0.0.1:PORT, moves bytes for SECONDS
                                               (U: client sends, D: client receives) and prints "bytes seconds errors".
"""
import socket
import sys
import threading
import time

CHUNK = 256 * 1024


def serve(conn):
    try:
        mode = conn.recv(1)
        buf = bytearray(CHUNK)
        if mode == b"U":
            while conn.recv_into(buf):
                pass
        elif mode == b"D":
            data = bytes(CHUNK)
            while True:
                conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def backend(port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1024)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def client(port, seconds, mode, totals, errors, index):
    try:
        conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        conn.sendall(mode.encode())
        deadline = time.monotonic() + seconds
        moved = 0
        if mode == "U":
            data = bytes(CHUNK)
            while time.monotonic() < deadline:
                conn.sendall(data)
                moved += CHUNK
        else:
            buf = bytearray(CHUNK)
            while time.monotonic() < deadline:
                n = conn.recv_into(buf)
                if n == 0:
                    break
                moved += n
        totals[index] = moved
        conn.close()
    except OSError:
        errors[index] = 1


def load(port, connections, seconds, mode):
    totals = [0] * connections
    errors = [0] * connections
    threads = [threading.Thread(target=client, args=(port, seconds, mode, totals, errors, i)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sum(totals), f"{time.monotonic() - start:.3f}", sum(errors))


if __name__ == "__main__":
    if sys.argv[1] == "backend":
        backend(int(sys.argv[2]))
    else:
        load(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
