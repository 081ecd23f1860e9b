# ts-play drill agent on the lab's client host (LAN side). Sent as `python3 -c`.
#   udp-send HOST PORT PPS SECONDS           sequence-numbered datagrams at a fixed rate
#   echo HOST PORT SECONDS PERIOD_MS         one interactive-like TCP session: a line every PERIOD_MS
#   load HOST PORT N RATE TRIGGER MAXHOLD    N concurrent TCP connections kept open; an echo round
#                                            once opened and another once TRIGGER (a file) exists
# Prints JSON lines; the last one is the result.
import errno, json, os, resource, selectors, socket, struct, sys, time

def now_ms():
    return time.time() * 1000

def udp_send(host, port, pps, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n = int(pps * seconds)
    start = time.time()
    sent = errors = 0
    pad = b"\0" * 56
    for seq in range(n):
        due = start + seq / pps
        d = due - time.time()
        if d > 0:
            time.sleep(d)
        try:
            s.sendto(struct.pack("!Qd", seq, time.time()) + pad, (host, port))
            sent += 1
        except OSError:
            errors += 1
    print(json.dumps({"sent": sent, "errors": errors, "seconds": round(time.time() - start, 3)}))

def echo(host, port, seconds, period_ms):
    out = {"connected": False, "sent": 0, "echoed": 0, "resets": 0, "closed": False, "longestGapMs": 0, "error": None}
    try:
        s = socket.create_connection((host, port), timeout=3)
    except OSError as e:
        out["error"] = "connect: " + str(e)
        print(json.dumps(out))
        return
    out["connected"] = True
    s.settimeout(period_ms / 1000)
    end = time.time() + seconds
    buf = b""
    last = now_ms()
    seq = 0
    while time.time() < end:
        try:
            s.sendall(b"%d\n" % seq)
            out["sent"] += 1
            seq += 1
        except (ConnectionResetError, BrokenPipeError) as e:
            out["resets"] += 1
            out["error"] = str(e)
            break
        t_next = time.time() + period_ms / 1000
        while time.time() < t_next:
            try:
                data = s.recv(4096)
            except socket.timeout:
                break
            except ConnectionResetError as e:
                out["resets"] += 1
                out["error"] = str(e)
                data = None
            if data is None:
                break
            if data == b"":
                out["closed"] = True
                break
            buf += data
            lines = buf.split(b"\n")
            buf = lines.pop()
            if lines:
                t = now_ms()
                out["longestGapMs"] = max(out["longestGapMs"], round(t - last, 1))
                last = t
                out["echoed"] += len(lines)
        if out["resets"] or out["closed"]:
            break
    s.close()
    print(json.dumps(out))

def echo_round(socks, timeout_s):
    # One byte each way on every live connection: alive = echoed in time.
    sel = selectors.DefaultSelector()
    alive = resets = 0
    pending = {}
    for port, s in list(socks.items()):
        try:
            s.send(b"x")
            sel.register(s, selectors.EVENT_READ, port)
            pending[port] = s
        except OSError:
            resets += 1
            del socks[port]
    end = time.time() + timeout_s
    while pending and time.time() < end:
        for key, _ in sel.select(timeout=0.2):
            port = key.data
            s = key.fileobj
            sel.unregister(s)
            del pending[port]
            try:
                data = s.recv(16)
            except OSError:
                data = b""
            if data:
                alive += 1
            else:
                resets += 1
                del socks[port]
    return {"alive": alive, "resets": resets, "timeouts": len(pending)}

def load(host, port, n, rate, trigger, max_hold):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = {}
    created = []
    failed = 0
    start = time.time()
    for i in range(n):
        due = start + i / rate
        d = due - time.time()
        if d > 0:
            time.sleep(d)
        s = socket.socket()
        s.settimeout(3)
        try:
            s.connect((host, port))
        except OSError:
            failed += 1
            s.close()
            continue
        s.setblocking(False)
        lport = s.getsockname()[1]
        socks[lport] = s
        created.append([lport, round(now_ms(), 1)])
    print(json.dumps({"phase": "opened", "opened": len(socks), "failed": failed, "created": created}), flush=True)
    before = echo_round(socks, 10)
    print(json.dumps({"phase": "before", **before}), flush=True)
    end = time.time() + max_hold
    while time.time() < end and not os.path.exists(trigger):
        time.sleep(0.1)
    after = echo_round(socks, 10)
    for s in socks.values():
        s.close()
    print(json.dumps({"phase": "after", "triggered": os.path.exists(trigger), **after}), flush=True)

mode = sys.argv[1]
a = sys.argv[2:]
if mode == "udp-send":
    udp_send(a[0], int(a[1]), float(a[2]), float(a[3]))
elif mode == "echo":
    echo(a[0], int(a[1]), float(a[2]), float(a[3]))
elif mode == "load":
    load(a[0], int(a[1]), int(a[2]), float(a[3]), a[4], float(a[5]))
else:
    sys.exit("unknown mode " + mode)
