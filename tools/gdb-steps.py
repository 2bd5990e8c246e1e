# Count the guest instructions of one call of a kernel function, per
# function, by single-stepping it in QEMU's gdb stub (under -icount each
# one is one count; docs/kernel.md uses this to take a hook path apart).
#
#   tools/node.sh -i ISO -c -g 1234 -a ktest=kbench &      # paused QEMU
#   STEP_FN=nxk_irq STEP_COND='nx_hooks_armed != 0' \
#     gdb -batch -x tools/gdb-steps.py build/kernel.elf
#
# STEP_FN      the function (default nx_fire)
# STEP_COND    a gdb condition for the breakpoint (optional)
# STEP_SKIP    calls to let pass first, so caches and lazy set-up are warm (3)
# STEP_OUT     where the per-function counts and the trace go (stdout if unset)
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote localhost:%s" % os.environ.get("STEP_PORT", "1234"))
bp = gdb.Breakpoint(os.environ.get("STEP_FN", "nx_fire"))
if os.environ.get("STEP_COND"):
    bp.condition = os.environ["STEP_COND"]
for _ in range(int(os.environ.get("STEP_SKIP", "3")) + 1):
    gdb.execute("continue")
bp.delete()

sp0 = int(gdb.parse_and_eval("$sp"))
per_fn, trace = {}, []
while len(trace) < 100000:
    pc = int(gdb.parse_and_eval("$pc"))
    sym = gdb.execute("info symbol 0x%x" % pc, to_string=True)
    name = sym.split(" in ")[0].split(" + ")[0].strip()
    per_fn[name] = per_fn.get(name, 0) + 1
    trace.append(gdb.execute("x/i 0x%x" % pc, to_string=True).strip())
    gdb.execute("stepi", to_string=True)
    if int(gdb.parse_and_eval("$sp")) > sp0:   # returned past the entry frame
        break

lines = ["total %d" % len(trace)] + ["%6d %s" % (n, f) for f, n in per_fn.items()] + [""] + trace
out = os.environ.get("STEP_OUT")
if out:
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
else:
    print("\n".join(lines))
gdb.execute("kill")
