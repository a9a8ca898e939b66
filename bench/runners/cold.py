# One cold start of a Python handler, as bench/runners/cold.js does for Node: import the module
# (init), invoke it with one ALB event, write one JSON line to fd 3 with the process' CPU time at
# the first answer, then wait to be killed.
#
# argv: <folder holding handler.py> <event file>
import importlib
import json
import os
import resource
import sys
import time

module_dir, event_file = sys.argv[1], sys.argv[2]
with open(event_file, encoding="utf-8") as f:
    event = json.load(f)
sys.path.insert(0, module_dir)
try:
    handler = importlib.import_module("handler").handler
    result = handler(event, None)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = {"status": result["statusCode"], "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000}
except Exception as err:  # reported to the benchmark, which fails the run
    line = {"error": repr(err)}
os.write(3, (json.dumps(line) + "\n").encode("utf-8"))
if "error" in line:
    sys.exit(1)
time.sleep(60)
