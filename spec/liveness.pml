//! run: -m100000
//! cc: -DSAFETY
//! mutant: NO_STATE_REREAD | -m100000 | today's state(): the state word is read once, before the lock probe (hole 5)
//! mutant: NO_EPOCH_CHECK | -m100000 | rule R3 as DESIGN23 words it: the state word re-read after a free lock, without the epoch check
//! mutant: EPOCH_AFTER_STATE | -m100000 | today's takeover order: state word 0 stored before the new epoch
//! mutant: DEAD_NEEDS_LIVE | -m100000 | WRITER_DEAD only when the state word is LIVE: a writer that died while taking over is never reported
//! mutant: GIVEN_EPOCH_NOT_ABOVE | -m100000 | a writer given its epoch (the bridge's mirror) takes the region over in place with the file's own epoch

/*
 * The writer's liveness as a reader decides it (docs/format.md "Owning a region"), with rule R3
 * corrected as this model shows it must be (docs/reliability.md "The model"):
 *
 *   writer, create or take over:  take the lock; epoch = epoch + 1 (or, for a writer given its
 *                                 epoch such as the bridge's mirror, any epoch above the file's:
 *                                 + 1 or + 2 here); state = 0; writer line, heartbeat;
 *                                 state = LIVE;  ... heartbeats ...;
 *   writer, clean close:          state = CLOSED (release); release the lock
 *   writer, death at any step:    the kernel releases the lock
 *   reader, state():              e1 = epoch; w = state;  w == CLOSED -> CLOSED
 *                                 probe the lock (F_OFD_GETLK, F_RDLCK):
 *                                   held -> heartbeat fresh ? LIVE : STALLED
 *                                   free -> w2 = state; e2 = epoch;
 *                                           w2 == CLOSED -> CLOSED
 *                                           e2 != e1 -> a writer took the region over meanwhile: start again
 *                                           else -> WRITER_DEAD
 *
 * What is modelled: the state word, the epoch, the writer's lock (free or held by one writer; the
 * kernel's lock and its release on death are single atomic steps), the heartbeat as one bit (fresh
 * or old; a clock process may age it at any time, which covers a writer stalled for any length of
 * time), NW writer processes that compete for the region (each lives once: takes the lock when it is
 * free, possibly from a writer that closed cleanly, may die between any two of its steps, or closes
 * cleanly), and one reader calling state() over and over.
 * Memory model: sequentially consistent steps (SPIN); the code's release stores and acquire loads
 * give the orders used here (the epoch store before the state store 0, the reader's loads in program
 * order; the kernel's lock calls order the probe against a later lock acquisition).
 * Not modelled: pid and start time (a reused pid is the lock's business: a dead writer's lock is
 * free whatever its pid), removers' shared locks (R3 probes with F_RDLCK, which they do not hold
 * against), the file being replaced (readers reopen the new inode).
 */

#define NW 3                      /* writer lives: three processes competing for the region */

#define INIT 0
#define LIVE 1
#define CLOSED 2

/* results of state() */
#define R_NONE 0
#define R_CLOSED 1
#define R_DEAD 2
#define R_LIVE 3
#define R_STALLED 4

/* what became of the last holder of the lock (ghost) */
#define F_HOLDING 0
#define F_CRASHED 1
#define F_CLOSED 2

byte state = CLOSED;              /* the region exists: its previous writer closed it */
byte lock = 0;                    /* 0 free, else the holder's writer number */
byte epoch = 1;
bit hb;                           /* heartbeat fresh (1) or old (0) */

/* ghost */
byte fate = F_CLOSED;             /* what became of the last holder */
bit announced;                    /* the last holder stored state 0 before it died (it was seen) */
byte acquisitions;                /* how many times a writer took the lock */
byte finished;                    /* writers whose life is over */

/* The properties (assertion messages name them). */
hidden byte dead_only_after_crash; /* WRITER_DEAD: at the probe the lock was free and its last holder had died
                                      without closing; so a clean close is never reported WRITER_DEAD */
hidden byte crash_reported;        /* a call made while the last holder is dead (it had stored state 0) and
                                      during which nobody takes the lock reports WRITER_DEAD */

#define CRASH_POINT if :: goto died :: skip fi

/* The taker-over's epoch: the format's count (+ 1) or a given one, in place only when above the file's. */
#ifndef MUTANT_GIVEN_EPOCH_NOT_ABOVE
#define NEW_EPOCH if :: epoch = epoch + 1 :: epoch = epoch + 2 fi
#else
#define NEW_EPOCH if :: epoch = epoch + 1 :: epoch = epoch + 2 :: skip fi
#endif

proctype Writer(byte id) {
    atomic { lock == 0 -> lock = id; fate = F_HOLDING; announced = 0; acquisitions++ }   /* F_OFD_SETLK */
    CRASH_POINT;
#ifndef MUTANT_EPOCH_AFTER_STATE
    NEW_EPOCH;
    CRASH_POINT;
    d_step { state = INIT; announced = 1 }
    CRASH_POINT;
#else
    d_step { state = INIT; announced = 1 }
    CRASH_POINT;
    NEW_EPOCH;
    CRASH_POINT;
#endif
    hb = 1;                       /* the writer line and a fresh heartbeat */
    CRASH_POINT;
    state = LIVE;
    do
    :: CRASH_POINT; hb = 1        /* publishes and beats */
    :: break
    od;
    CRASH_POINT;
    d_step { state = CLOSED; fate = F_CLOSED }          /* clean close: CLOSED (release) ... */
    CRASH_POINT;
    d_step { lock = 0; finished++ }                     /* ... then the lock */
    goto end;
died:    skip;
    d_step {                                            /* the kernel releases the lock of the dead */
        if
        :: fate == F_HOLDING -> fate = F_CRASHED
        :: else -> skip                                 /* died between CLOSED and the unlock: closed */
        fi;
        lock = 0;
        finished++
    }
end:
    skip
}

active proctype Clock() {
end:
    do
    :: hb = 0                     /* time passes: the heartbeat grows old */
    od
}

active proctype Reader() {
    byte w, w2, e1, e2, result;
    bit dead_at_probe, crashed_at_start;
    byte acq0;
    do
    :: finished == NW -> break
    :: else ->
        d_step {
            crashed_at_start = (lock == 0 && fate == F_CRASHED && announced);
            acq0 = acquisitions
        }
again:
        e1 = epoch;                                     /* acquire */
        w = state;                                      /* acquire */
        if
        :: w == CLOSED -> result = R_CLOSED
        :: else ->
            if
            :: d_step { lock != 0 -> dead_at_probe = 0 } ->      /* F_OFD_GETLK: held */
                if
                :: hb == 1 -> result = R_LIVE
                :: else -> result = R_STALLED
                fi
            :: d_step { lock == 0 -> dead_at_probe = (fate == F_CRASHED) } ->   /* free */
#if defined(MUTANT_NO_STATE_REREAD)
                result = R_DEAD
#else
                w2 = state;                             /* acquire */
                e2 = epoch;                             /* acquire */
                if
                :: w2 == CLOSED -> result = R_CLOSED
#ifndef MUTANT_NO_EPOCH_CHECK
                :: w2 != CLOSED && e2 != e1 -> goto again      /* a writer took over meanwhile */
#ifndef MUTANT_DEAD_NEEDS_LIVE
                :: w2 != CLOSED && e2 == e1 -> result = R_DEAD
#else
                :: w2 != CLOSED && e2 == e1 && w2 == LIVE -> result = R_DEAD
                :: w2 == INIT && e2 == e1 -> result = R_STALLED
#endif
#else
                :: else -> result = R_DEAD
#endif
                fi
#endif
            fi
        fi;
        d_step {
            dead_only_after_crash = (result != R_DEAD || dead_at_probe);
            assert(dead_only_after_crash);
            crash_reported = (!crashed_at_start || acquisitions != acq0 || result == R_DEAD);
            assert(crash_reported);
            w = 0; w2 = 0; e1 = 0; e2 = 0; result = R_NONE; dead_at_probe = 0; crashed_at_start = 0; acq0 = 0
        }
    od
}

init {
    atomic {
        run Writer(1);
        run Writer(2);
        run Writer(3)
    }
}
