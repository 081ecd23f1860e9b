# ts-play drill agent on the lab's server host. Sent as `python3 -c`; prints one JSON line.
#   udp-recv PORT SECONDS          count sequence-numbered datagrams, report gaps and holes
#   tcp-echo PORT SECONDS          echo every byte on every accepted connection (stress holder too)
import json, os, resource, selectors, socket, struct, sys, time

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def udp_recv(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    end = time.time() + seconds
    seen = {}
    last_t = None
    longest = 0.0
    dups = 0
    max_seq = -1
    while True:
        left = end - time.time()
        if left <= 0:
            break
        s.settimeout(min(left, 0.5))
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        now = time.time() * 1000
        if len(data) < 8:
            continue
        (seq,) = struct.unpack("!Q", data[:8])
        if seq in seen:
            dups += 1
            continue
        # The sender's clock for the datagram: holes are placed in time by when the missing
        # datagrams were due, which the receiver's own scheduling cannot shift.
        seen[seq] = struct.unpack("!d", data[8:16])[0] * 1000 if len(data) >= 16 else now
        max_seq = max(max_seq, seq)
        if last_t is not None:
            longest = max(longest, now - last_t)
        last_t = now
    # Runs of missing sequence numbers, each with the send times of the datagrams around it.
    holes = []
    prev = None
    for seq in sorted(seen):
        if prev is not None and seq - prev > 1 and len(holes) < 1000:
            holes.append([round(seen[prev], 1), round(seen[seq], 1), seq - prev - 1])
        prev = seq
    print(json.dumps({"received": len(seen), "maxSeq": max_seq, "dups": dups, "longestGapMs": round(longest, 1), "holes": holes}))

def tcp_echo(port, seconds):
    raise_nofile()
    sel = selectors.DefaultSelector()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(8192)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, None)
    end = time.time() + seconds
    accepted = resets = peak = 0
    conns = 0
    while time.time() < end:
        for key, _ in sel.select(timeout=0.2):
            if key.data is None:
                while True:
                    try:
                        c, _ = ls.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, 1)
                    accepted += 1
                    conns += 1
                    peak = max(peak, conns)
                continue
            c = key.fileobj
            try:
                data = c.recv(65536)
                if data:
                    c.sendall(data)
                    continue
            except ConnectionResetError:
                resets += 1
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                resets += 1
            sel.unregister(c)
            c.close()
            conns -= 1
    print(json.dumps({"accepted": accepted, "peak": peak, "resets": resets, "open": conns}))

mode = sys.argv[1]
if mode == "udp-recv":
    udp_recv(int(sys.argv[2]), float(sys.argv[3]))
elif mode == "tcp-echo":
    tcp_echo(int(sys.argv[2]), float(sys.argv[3]))
else:
    sys.exit("unknown mode " + mode)
