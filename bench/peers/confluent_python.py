"""Confluent's Python client (confluent-kafka) as a peer for bench/Compare.

The shortest correct loops of the course's Python producers: Producer_03_Async (produce with a
delivery callback, poll(0) after each) and Producer_01_FireAndForget (produce, poll(0), no
callback). A full local queue (BufferError) is waited out with poll(), as the course does, so
nothing is dropped. Records are the demos': key str(i), value msg_<i> padded with dots to --size.

  python3 confluent_python.py produce-async|produce-fire-and-forget -b HOST:PORT -t TOPIC -n COUNT [--size N] [-X k=v ...]

Prints "records=N elapsed_s=S msg_per_s=R cpu_us_per_msg=C failed=F", timed from the first
produce to the end of flush().
"""
import argparse
import sys
import time

from confluent_kafka import Producer

parser = argparse.ArgumentParser()
parser.add_argument("loop", choices=["produce-async", "produce-fire-and-forget"])
parser.add_argument("-b", dest="bootstrap", required=True)
parser.add_argument("-t", dest="topic", required=True)
parser.add_argument("-n", dest="count", type=int, required=True)
parser.add_argument("--size", type=int, default=100)
parser.add_argument("-X", dest="properties", action="append", default=[])
args = parser.parse_args()

conf = {"bootstrap.servers": args.bootstrap}
for pair in args.properties:
    key, _, value = pair.partition("=")
    conf[key] = value
producer = Producer(conf)
delivered = failed = 0


def delivery_callback(err, msg):
    global delivered, failed
    if err is None:
        delivered += 1
    else:
        failed += 1


callback = delivery_callback if args.loop == "produce-async" else None
size = args.size
cpu_start, start = time.process_time(), time.perf_counter()
for i in range(args.count):
    key, value = str(i), ("msg_%d" % i)[:size].ljust(size, ".")
    while True:
        try:
            producer.produce(args.topic, key=key, value=value, callback=callback)
            break
        except BufferError:
            producer.poll(0.005)
    producer.poll(0)
left = producer.flush(60)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
done = delivered if callback else args.count - left
lost = failed + left
print("records=%d elapsed_s=%.3f msg_per_s=%.0f cpu_us_per_msg=%.2f failed=%d" % (done, elapsed, done / elapsed, cpu * 1e6 / max(done, 1), lost))
sys.exit(0 if lost == 0 else 1)
