"""A loopback receiver for the network cases, run in a process of its own.

    python _receiver.py tcp|udp EXPECTED OUTPUT_PATH

It prints the port it listens on, then receives: over TCP one connection until
the sender closes it; over UDP datagrams until EXPECTED have arrived, or until
a line on stdin says the sender is done and no datagram came for a second.
It then prints how much arrived ("<bytes> <datagrams>"), and only after that
writes what it got to OUTPUT_PATH as 4-byte big-endian length-prefixed frames
(the TCP stream as it came) and prints "written". The sender's clock stops at
the first line, so the receiver does nothing during it but read; splitting and
checking the frames is the sender's job, outside the clock.
"""

import os
import select
import signal
import socket
import struct
import sys

# However the sender ends, this process does not outlive it by much.
LIFETIME_S = 300
# The kernel's buffer for datagrams not yet read: large enough for a burst.
UDP_BUFFER = 256 << 20
# Linux's SO_RCVBUFFORCE, which the socket module does not name.
SO_RCVBUFFORCE = 33
# After the sender is done, a datagram still in flight is waited for this long.
UDP_IDLE_S = 1.0


def receive_tcp(server):
    connection, _ = server.accept()
    chunks = []
    with connection:
        while chunk := connection.recv(1 << 20):
            chunks.append(chunk)
    data = b"".join(chunks)
    return data, len(data), 0


def _grow_buffer(sock):
    # SO_RCVBUFFORCE passes net.core.rmem_max where the process may (CAP_NET_ADMIN).
    forced = SO_RCVBUFFORCE if sys.platform.startswith("linux") else None
    for option in (forced, socket.SO_RCVBUF):
        if option is None:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, UDP_BUFFER)
            return
        except OSError:
            continue


def receive_udp(sock, expected):
    datagrams = []
    receive = sock.recv
    append = datagrams.append
    stdin = sys.stdin.fileno()
    watched = [sock, stdin]
    sender_done = False
    while len(datagrams) < expected:
        ready, _, _ = select.select(watched, [], [], UDP_IDLE_S if sender_done else None)
        if not ready:
            break  # the sender is done and nothing more came
        if stdin in ready:
            os.read(stdin, 4096)
            sender_done = True
            watched = [sock]
        if sock in ready:
            # Read everything queued before selecting again.
            sock.setblocking(False)
            try:
                while True:
                    append(receive(4096))
            except BlockingIOError:
                pass
            sock.setblocking(True)
    frames = b"".join(struct.pack(">L", len(d)) + d for d in datagrams)
    return frames, sum(map(len, datagrams)), len(datagrams)


def main():
    signal.alarm(LIFETIME_S)
    kind, expected, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    family_type = socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM
    sock = socket.socket(socket.AF_INET, family_type)
    sock.bind(("127.0.0.1", 0))
    if kind == "udp":
        # Before the port is printed: a burst may arrive at once.
        _grow_buffer(sock)
    else:
        # Listening before the port is printed: a sender may connect at once.
        sock.listen(1)
    print(sock.getsockname()[1], flush=True)
    with sock:
        if kind == "tcp":
            data, size, datagrams = receive_tcp(sock)
        else:
            data, size, datagrams = receive_udp(sock, expected)
    print(size, datagrams, flush=True)
    with open(output, "wb") as file:
        file.write(data)
    print("written", flush=True)


if __name__ == "__main__":
    main()
