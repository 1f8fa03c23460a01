# SPDX-License-Identifier: MIT
"""Calls with one bad pointer and every other argument valid (test_bad_neighbours.py
judges what they answer).

sweep.py leaves every other pointer NULL, so the first argument's check
answers and a missing check on a later one is never reached. Here each
other argument is a live object made through the public API - an
executor over a simulated reactor, initialised frames, an open scope of
the running task, a channel with a ring of 4 holding one message, ...
(World.make(), keyed by the object's type) -, function pointers are real
callbacks and integers sensible values (INTS, keyed by the parameter's
name). A call that takes an executor (and no scope) is made outside any
poll, on an executor of its own that no one runs (run and poll refuse to
run inside a poll); every other call is made inside the poll function of
a task running on an executor, with the running task for `self`. A call
that takes a start (bcsc_start_ready(), bcsc_start_value()) is made where
a program has a live one: that task starts a child with
bcsc_scope_start() and the call is made in the child's poll, with the
child for `self` (started()). Where a call needs its source in a state
(DEPENDENT), the neighbour is brought there as a program brings it: a
oneshot holding a value, an armed timer, an epoll watch added on a pipe,
an io_uring read of a pipe in flight, a task run to completion (its result
read outside any poll, OUTSIDE). Each call runs in a forked child, as
sweep.run() runs its calls.
"""

import os

import sweep
from bcsc_ffi import ffi, lib

# Elements of 8 bytes, rings of 4.
ELEM, CAPACITY = 8, 4
NO_DEADLINE = 2**64 - 1
# BCSC_URING_OFFSET_CURRENT, which cdef() cannot take (UINT64_MAX).
URING_OFFSET_CURRENT = 2**64 - 1

# Arrays the caller hands over uninitialised (a waker slot table, a scope's
# error list): plain memory, bad only when NULL.
ARRAYS = ("waker_slot", "child_error")

# Parameters a call initialises without reading them, as _init does (D4),
# with the words of the header that say so: their valid value is zeroed
# memory, and zeroed or garbage memory is not bad there.
INITIALISES = {
    "bcsc_select_begin": ("sel", "Writes the whole object; never reads it."),
    "bcsc_stream_channel": ("stream", "Writes the whole stream; never reads it."),
    "bcsc_stream_broadcast": ("stream", "Writes the whole stream; never reads it."),
    "bcsc_stream_interval": ("stream", "Writes the whole stream; never reads it."),
    "bcsc_broadcast_subscribe": ("rx", "Writes the whole receiver (it is the receiver's _init) and never reads it."),
    "bcsc_join_all": ("scope", "a scope in @p self's frame, not open"),
    "bcsc_race": ("scope", "Calls work as for bcsc_join_all()"),
    "bcsc_timeout": ("scope", "Calls work as for bcsc_join_all() with one task;"),
    "bcsc_scope_start": ("start", "On the first call (@p start's scope is not one of @p self's open scopes)"),
    "bcsc_task_waker": ("out", "@param out receives the waker"),
}


def initialises(name, i):
    """Whether @name initialises its argument @i without reading it."""
    if name.endswith("_init"):
        return i == 0
    return name in INITIALISES and sweep.PARAM_NAMES[name][i] == INITIALISES[name][0]


# Integer arguments by parameter name; anything else gets 0.
INTS = {
    "size": ELEM, "elem_size": ELEM, "buffer_size": ELEM * CAPACITY, "capacity": CAPACITY,
    "budget": 1, "deadline": NO_DEADLINE, "duration": 1000, "first": 1000, "period": 1000,
    "key": 1, "value": 1, "parties": 2, "permits": CAPACITY, "n": 1, "point": 1,
    "grace_ns": 1000, "entries": 8, "events": 1, "len": ELEM,
}
# Where a name means something else in one function.
INTS_OF = {
    ("bcsc_join_all", "count"): 2, ("bcsc_race", "count"): 2,
    ("bcsc_executor_set_waker_slots", "count"): CAPACITY,
    ("bcsc_sleep_until", "deadline"): 1000,
    ("bcsc_pool_init", "size"): lib.bcsc_pool_bytes(lib.bcsc_task_sizeof(), CAPACITY),
    ("bcsc_pool_init", "frame_size"): lib.bcsc_task_sizeof(),
}

# Task parameters that are a frame to spawn rather than the running task.
CHILD_TASKS = ("child", "root")
CHILD_TASK_OF = {("bcsc_timeout", "task"), ("bcsc_task_cleanup", "task")}
# User data, handed back unchanged and never read: not a pointer to judge.
OPAQUE = ("data", "context", "ctx", "pender_context")

def _noop(*_):
    return 0


def _callback(ctype):
    if ctype.result.kind == "void":
        return ffi.callback(ctype, lambda *_: None)
    return ffi.callback(ctype, _noop)


class World:
    """In the child: the valid objects made for one call, kept alive."""

    def __init__(self, self_task):
        self.self_task = self_task
        # The start self_task was started by, if it was (started()).
        self.start = None
        self.keep = []
        # (address, size) of every object made: the arguments and what
        # they hang on (a receiver's channel, a stream's source).
        self.made = []
        if self_task is not None:
            self.made.append((int(ffi.cast(sweep.ADDRESS, self_task)), lib.bcsc_task_sizeof()))

    def memory(self, obj):
        """Zeroed, aligned memory for a bcsc_<obj>_t."""
        arg = OBJECT_ARGS[obj]
        mem, _ = sweep.bad_memory(arg, "zeroed", self.keep)
        self.made.append((int(ffi.cast(sweep.ADDRESS, mem)), arg.size))
        return ffi.cast(arg.ctype, mem)

    def buffer(self):
        """Zeroed memory of sweep.PLAIN_SIZE, aligned to sweep.PLAIN_ALIGN."""
        mem, _ = sweep.bad_memory(PLAIN_ARG, "zeroed", self.keep)
        return mem

    def has_made(self, obj):
        """Whether @obj is one this world made (not the case's bad one)."""
        return obj is not None and any(a == int(ffi.cast(sweep.ADDRESS, obj)) for a, _ in self.made)

    def executor(self, slots=False):
        sim = self.memory("sim_reactor")
        check(lib.bcsc_sim_reactor_init(sim, 0), "sim reactor")
        config = ffi.new(TYPES["bcsc_executor_config_t *"])
        self.keep.append(config)
        config.size = ffi.sizeof(TYPES["bcsc_executor_config_t"])
        config.reactor = ffi.cast(TYPES["bcsc_reactor_t *"], sim)
        if slots:
            config.waker_slots = ffi.cast(TYPES["bcsc_waker_slot_t *"], self.buffer())
            config.waker_slot_count = CAPACITY
        ex = self.memory("executor")
        check(lib.bcsc_executor_init(ex, config), "executor")
        return ex

    def task(self):
        t = self.memory("task")
        check(lib.bcsc_task_init(t, POLL_DONE, ffi.NULL), "task")
        return t

    def init(self, obj, *args):
        o = self.memory(obj)
        check(getattr(lib, "bcsc_%s_init" % obj)(o, *args), obj)
        return o

    def make(self, fn, pname, obj):
        if obj == "task":
            if pname in CHILD_TASKS or (fn, pname) in CHILD_TASK_OF or self.self_task is None:
                return self.task()
            return self.self_task
        if obj == "scope":
            s = self.memory("scope")
            check(lib.bcsc_scope_init(s, self.self_task, 0), "scope")
            return s
        if obj == "executor":
            return self.executor()
        if obj == "reactor":
            return ffi.cast(TYPES["bcsc_reactor_t *"], self.init("sim_reactor", 0))
        if obj == "channel":
            # One message in a ring of 4: both send and receive can go on.
            ch = self.init(obj, self.buffer(), ELEM * CAPACITY, ELEM)
            check(lib.bcsc_channel_try_send(ch, self.buffer(), ELEM), "channel send")
            return ch
        if obj == "broadcast":
            return self.init(obj, self.buffer(), ELEM * CAPACITY, ELEM)
        if obj in ("oneshot", "watch"):
            return self.init(obj, self.buffer(), ELEM)
        if obj == "broadcast_receiver":
            bc = self.make(fn, "bc", "broadcast")
            rx = self.memory(obj)
            check(lib.bcsc_broadcast_subscribe(bc, rx), obj)
            check(lib.bcsc_broadcast_send(bc, self.buffer(), ELEM), "broadcast send")
            return rx
        if obj == "semaphore":
            return self.init(obj, CAPACITY)
        if obj == "barrier":
            return self.init(obj, 2)
        if obj == "select":
            sel = self.memory(obj)
            check(lib.bcsc_select_begin(sel, self.self_task), obj)
            return sel
        if obj == "stream":
            st = self.memory(obj)
            check(lib.bcsc_stream_channel(st, self.make(fn, "ch", "channel")), obj)
            return st
        if obj == "pool":
            frame = lib.bcsc_task_sizeof()
            size = lib.bcsc_pool_bytes(frame, CAPACITY)
            pool = self.memory(obj)
            assert size <= sweep.PLAIN_SIZE
            check(lib.bcsc_pool_init(pool, self.buffer(), size, frame, 0), obj)
            return pool
        if obj == "remote_task":
            return self.init(obj, POLL_DONE, ffi.NULL)
        if obj == "supervised":
            return self.init(obj, self.task(), 0, 0, ffi.NULL, ffi.NULL)
        if obj == "sim_reactor":
            return self.init(obj, 0)
        if obj == "spin_reactor":
            return self.init(obj, CALLBACKS[TYPES["bcsc_spin_clock_fn"].cname],
                             CALLBACKS[TYPES["bcsc_spin_relax_fn"].cname], ffi.NULL)
        if obj == "co":
            return self.memory(obj)
        if obj == "start" and self.start is not None:
            return self.start
        if obj == "waker":
            w = self.memory(obj)
            check(lib.bcsc_task_waker(self.self_task, w), obj)
            return w
        if obj == "uring_reactor":
            r = self.memory(obj)
            rc = lib.bcsc_uring_reactor_init(r, 8, 0)
            if rc != 0:
                raise Unavailable("io_uring: init answered %d" % rc)
            return r
        if obj in ("wait", "waitq", "timer", "drain_grace", "error_list", "context", "event", "mutex",
                   "semaphore_waiter", "epoll_reactor", "posix_reactor", "epoll_watch", "uring_op"):
            return self.init(obj)
        raise Unmade(obj)

    def value(self, fn, pname, arg, made):
        """A valid argument for parameter @pname of @fn, whose earlier
        arguments are @made."""
        if (fn, pname) in DEPENDENT:
            return DEPENDENT[fn, pname](self, *made)
        if arg.kind == "int":
            if pname == "fd":
                r, w = os.pipe()
                return r
            return INTS_OF.get((fn, pname), INTS.get(pname, 0))
        if arg.kind == "value":
            return ffi.new(arg.pointer_type)[0]
        if arg.kind == "fn":
            return CALLBACKS[arg.ctype.cname]
        if arg.object and arg.object not in ARRAYS:
            return self.make(fn, pname, arg.object)
        if pname == "tasks":
            tasks = ffi.new(TYPES["bcsc_task_t *[]"], [self.task(), self.task()])
            self.keep.append(tasks)
            return tasks
        if arg.ctype.item.cname in ("bcsc_executor_config_t", "bcsc_executor_stats_t"):
            s = ffi.new(arg.ctype)
            self.keep.append(s)
            s.size = ffi.sizeof(arg.ctype.item)
            return s
        return ffi.cast(arg.ctype, self.buffer())


class Unmade(Exception):
    pass


class Unavailable(Unmade):
    """The system cannot give one (io_uring in a container that forbids it)."""


def check(rc, what):
    if rc != 0:
        raise Unmade("%s: init answered %d" % (what, rc))


def _frame_of_pool(world, pool, *_):
    """A frame of @pool, or of a pool of its own where @pool is the bad one."""
    frame = ffi.new(TYPES["void * *"])
    if not world.has_made(pool):
        pool = world.make("", "pool", "pool")
    check(lib.bcsc_pool_acquire(pool, POLL_DONE, ffi.NULL, frame), "pool frame")
    return frame[0]


def _locked(world, *_):
    mutex = world.make("", "mutex", "mutex")
    check(lib.bcsc_mutex_try_lock(world.self_task, mutex), "mutex lock")
    return mutex


def _offered(world, *_):
    sel = world.make("", "sel", "select")
    lib.bcsc_select_offer(sel, lib.BCSC_PENDING)
    return sel


def _holding_a_value(world, *_):
    """A oneshot its sender has sent the value into."""
    oneshot = world.make("", "os", "oneshot")
    check(lib.bcsc_oneshot_send(oneshot, world.buffer(), ELEM), "oneshot send")
    return oneshot


def _armed(world, *_):
    """A timer with a deadline ahead of the simulated clock (at 0): waiting
    on it links it."""
    timer = world.make("", "timer", "timer")
    check(lib.bcsc_timer_set(timer, 1000), "timer set")
    return timer


def _watch_added(world, r, end):
    """A watch added to @r (or to a reactor of its own where @r is the bad
    one) on one end of a pipe (0: the read end, 1: the write end)."""
    if not world.has_made(r):
        r = world.make("", "r", "epoll_reactor")
    watch = world.make("", "watch", "epoll_watch")
    check(lib.bcsc_epoll_watch_add(r, watch, os.pipe()[end]), "epoll watch add")
    return watch


def _reading(world, *_):
    """An op in flight: a read of a pipe that nothing writes."""
    r = world.make("", "r", "uring_reactor")
    op = world.make("", "op", "uring_op")
    check(lib.bcsc_uring_read(r, op, os.pipe()[0], world.buffer(), ELEM, URING_OFFSET_CURRENT), "uring read")
    return op


def _completed(world, *_):
    """A task that ran to completion as the root of an executor of its own,
    read after bcsc_executor_run() returned (outside any poll)."""
    task = world.task()
    check(lib.bcsc_executor_run(world.executor(), task), "run to completion")
    return task


# Arguments that must fit an earlier one, or be in the state a program has
# them in when it makes the call (or be made one step further):
# (function, parameter) -> maker(world, *earlier arguments).
DEPENDENT = {
    ("bcsc_pool_release", "frame"): _frame_of_pool,
    ("bcsc_mutex_unlock", "mutex"): _locked,
    ("bcsc_task_wait_next", "prev"): lambda world, *_: ffi.NULL,  # the first registration
    ("bcsc_select_end", "sel"): _offered,
    ("bcsc_oneshot_try_recv", "os"): _holding_a_value,
    ("bcsc_timer_wait", "timer"): _armed,
    ("bcsc_epoll_watch_remove", "watch"): lambda world, r: _watch_added(world, r, 0),
    ("bcsc_epoll_wait_readable", "watch"): lambda world, *_: _watch_added(world, None, 0),
    ("bcsc_epoll_wait_writable", "watch"): lambda world, *_: _watch_added(world, None, 1),
    ("bcsc_uring_wait", "op"): _reading,
    ("bcsc_task_result", "task"): _completed,
}
# Calls made outside any poll though they take no executor, where a
# program makes them: it reads its root's result after bcsc_executor_run()
# returns.
OUTSIDE = ("bcsc_task_result",)


# cffi parses a type's name on its first use and caches it: parsed here,
# in the parent, rather than in every child.
OBJECT_ARGS = {}
for _f in dir(lib):
    if _f.startswith("bcsc_") and _f.endswith("_sizeof") and _f != "bcsc_reactor_vtable_sizeof":
        _obj = _f[len("bcsc_"):-len("_sizeof")]
        try:
            OBJECT_ARGS[_obj] = sweep.Arg(ffi.typeof("bcsc_%s_t *" % _obj), False)
        except ffi.error:
            pass
PLAIN_ARG = sweep.Arg(ffi.typeof("unsigned char *"), False)
TYPES = {t: ffi.typeof(t) for t in (
    "bcsc_executor_config_t *", "bcsc_executor_config_t", "bcsc_reactor_t *", "bcsc_waker_slot_t *",
    "bcsc_task_t *[]", "void * *", "bcsc_poll_fn", "bcsc_stuck_fn", "bcsc_restart_fn", "bcsc_abort_fn",
    "bcsc_spin_clock_fn", "bcsc_spin_relax_fn", "bcsc_pender_fn", "bcsc_misuse_fn")}


@ffi.callback("bcsc_poll_fn")
def _poll_done(self_task):
    return 0


POLL_DONE = _poll_done
CALLBACKS = {TYPES[t].cname: POLL_DONE if t == "bcsc_poll_fn" else _callback(TYPES[t])
             for t in TYPES if t.endswith("_fn")}


def outside(name):
    """Whether @name is called outside any poll: it takes an executor (run
    and poll refuse to run inside one) and no scope, or is one of OUTSIDE."""
    objs = [a.object for a in sweep.signature(name)[1]]
    return ("executor" in objs and "scope" not in objs) or name in OUTSIDE


class Case:
    """@name with argument @bad "null", "zeroed" or "garbage" (@fill), the
    others valid; @bad None: every argument valid."""

    def __init__(self, name, bad, fill):
        self.name, self.bad, self.fill = name, bad, fill
        self.ctype, self.args = sweep.signature(name)
        self.params = sweep.PARAM_NAMES[name]
        if bad is None:
            self.label = "all valid"
        else:
            what = "function" if self.args[bad].kind == "fn" else self.args[bad].label
            self.label = "%s = %s %s" % (self.params[bad], fill, what)

    def __str__(self):
        return "%s(%s)" % (self.name, self.label)


def cases(name):
    """The cases of @name: every argument valid, then each pointer bad.
    A pointer to a bcsc object is NULL, zeroed and garbage; any other
    pointer (a buffer, an out parameter, a function) is bad only NULL."""
    _, args = sweep.signature(name)
    params = sweep.PARAM_NAMES[name]
    out = [Case(name, None, None)]
    for i, a in enumerate(args):
        if a.kind not in ("ptr", "fn") or params[i] in OPAQUE:
            continue
        for fill in ("null", "zeroed", "garbage") if a.object and a.object not in ARRAYS else ("null",):
            out.append(Case(name, i, fill))
    return out


def started(name):
    """Whether @name is called from the poll of a started child: it takes a
    start it does not initialise (only such a child holds a live one)."""
    args = sweep.signature(name)[1]
    return any(a.object == "start" and not initialises(name, i) for i, a in enumerate(args))


_case = None


def _make_call(world):
    """In the child: build the arguments in @world, make the call, return
    what it did."""
    case = _case
    args, memory, neighbours = [], {}, []
    for i, a in enumerate(case.args):
        pname = case.params[i]
        if i != case.bad and a.object and initialises(case.name, i):
            args.append(world.memory(a.object))
            neighbours.append(i)
            continue
        if i == case.bad:
            if case.fill == "null":
                args.append(ffi.NULL)
            else:
                mem, before = sweep.bad_memory(a, case.fill, world.keep)
                memory[i] = (mem, before, a.size)
                args.append(ffi.cast(a.ctype, mem))
            continue
        if pname in OPAQUE:
            args.append(ffi.NULL)
            continue
        v = world.value(case.name, pname, a, args)
        args.append(v)
        if a.object and a.object not in ARRAYS and v != ffi.NULL:
            neighbours.append(i)
    # (After the last is made: making one may change another, as a scope
    # opened by the running task changes the task.)
    before = {i: bytes(ffi.buffer(args[i], case.args[i].size)) for i in neighbours}
    setup = list(sweep.REPORTS)
    del sweep.REPORTS[:]
    ret = getattr(lib, case.name)(*args)
    out = sweep.outcome(case.ctype, ret, memory)
    out["setup_reports"] = setup
    out["neighbours_written"] = [i for i in neighbours
                                 if bytes(ffi.buffer(args[i], case.args[i].size)) != before[i]]
    out["made"] = world.made
    if case.bad is None and case.ctype.result.cname == "int":
        # The same call again, on what the first left: a second deinit,
        # unlock, start_ready, register... - refused for state, it must
        # answer a documented code (test_bad_neighbours.judge()).
        out["again"] = int(getattr(lib, case.name)(*args))
    return out


def _call_and_reply(world):
    """In a poll function of the child: make the call and end the child."""
    try:
        out = _make_call(world)
    except Unavailable as e:
        out = {"unavailable": str(e)}
    except Unmade as e:
        out = {"unmade": str(e)}
    except Exception:
        import traceback
        out = {"died": "Python error in the poll function:\n" + traceback.format_exc()}
    sweep.reply(out)


# The world the host task made a start in, for the started child's poll.
_started_world = None


@ffi.callback("bcsc_poll_fn")
def _host_poll(self_task):
    global _started_world
    if _started_world is not None:
        sweep.reply({"died": "the started child was not polled (the host was polled again)"})
    world = World(self_task)
    if not started(_case.name):
        _call_and_reply(world)
    # A start as a program makes one: into a scope of the host's, awaited.
    try:
        target = world.make("", "target", "scope")
        world.start = world.memory("start")
        child = world.memory("task")
        check(lib.bcsc_task_init(child, _started_poll, ffi.NULL), "started child")
        rc = lib.bcsc_scope_start(self_task, world.start, target, child)
        if rc != lib.BCSC_PENDING:
            raise Unmade("bcsc_scope_start() answered %d, not BCSC_PENDING" % rc)
    except Unmade as e:
        sweep.reply({"unmade": str(e)})
    _started_world = world
    return lib.BCSC_PENDING


@ffi.callback("bcsc_poll_fn")
def _started_poll(self_task):
    """The started child: the call is made here, with it for `self`."""
    world = _started_world
    world.self_task = self_task
    _call_and_reply(world)
    return 0


def _work():
    lib.bcsc_set_misuse_handler(sweep._record_misuse, ffi.NULL)
    try:
        if outside(_case.name):
            return _make_call(World(None))
        world = World(None)
        ex = world.executor(slots=True)
        host = world.memory("task")
        check(lib.bcsc_task_init(host, _host_poll, ffi.NULL), "host task")
        rc = lib.bcsc_executor_run(ex, host)
    except Unavailable as e:
        return {"unavailable": str(e)}
    except Unmade as e:
        return {"unmade": str(e)}
    return {"died": "the call was not made: no poll function ran it (run answered %d)" % rc}


def run(case):
    """@case's outcome, as sweep.run() gives it, plus "setup_reports" (what
    making the valid arguments reported: nothing, if they are valid) and
    "neighbours_written" (the valid objects the call wrote into); with every
    argument valid, "again": what the same call answered made a second
    time (an int function; a crash or hang there is the case's)."""
    global _case
    _case = case
    out = sweep.in_child(_work)
    if "memory" in out:
        out["memory"] = {int(k): v for k, v in out["memory"].items()}
    return out
