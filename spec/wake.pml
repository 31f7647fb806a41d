//! run: -m10000
//! mutant: WAKE_BEFORE_STORE | -m10000 | the ring writer loads the sleeper bits before it stores published: a reader registers and sleeps in between, the store then wakes no one
//! mutant: NO_MEMBARRIER | -m10000 | the sleeper skips membarrier while the writer relies on it (no fence of its own): the writer's published store sits in its store buffer while it loads the bits, the sleeper's last look and the kernel's compare still see the old count
//! mutant: TAKE_DOES_NOT_WAKE | -m10000 | a take (READY -> READING) wakes no one (rule R6 dropped): the writer asleep on READY sleeps on after the box moved to READING
//! mutant: HEAL_CLEARS_BEFORE_CAS | -m10000 | a healer clears a dead sleeper's bit before its CAS pid -> marker: a stalled healer clears the bit of a live reader that claimed the slot meanwhile
/*
 * shmtel wake-on-publish (docs/format.md "Wake-on-publish" and the sleeping paragraph of "Mailbox
 * records"; issue 23, rule R6). Two parts, run one after the other (init), so their state spaces
 * add up instead of multiplying:
 *
 * Part 1, a ring record: one writer publishes NPUB samples (the slot stores are left out: only
 * `published` matters here), two readers that sleep when nothing is new, NSLOT sleeper slots.
 *   reader: claim slot i (CAS pid[i] 0 -> own pid; all taken: heal dead sleepers, then poll),
 *           sleepers |= 1<<i (atomic RMW, a full barrier), membarrier, p = published: p != the
 *           count read up to -> do not sleep; FUTEX_WAIT(published, expected = that count): the
 *           kernel's compare and sleep is one atomic step; then sleepers &= ~(1<<i), pid[i] = 0.
 *   writer: published = k+1 (release store), (Java: no fence, the sleepers' membarrier stands in
 *           for it), s = sleepers, s != 0 -> FUTEX_WAKE(published); after a wake it may heal dead
 *           sleepers (format.md: after 64 fruitless wakes): CAS pid[i] p -> marker, clear bit i,
 *           pid[i] = 0.
 *   Memory model: the writer's published store goes through a one-entry store buffer (TSO, as on
 *   x86; a weaker machine needs the same barriers) that drains at any moment, at membarrier (a full
 *   barrier on the writer's CPU) and at a system call (FUTEX_WAKE). The readers' accesses and the
 *   sleeper words are sequentially consistent (atomic RMW / volatile). A C writer's full fence
 *   after the store is stronger than the membarrier and is not modelled separately.
 *
 * Part 2, a mailbox record's state word (the low half of the handshake word, the futex word): the
 * writer puts NMSG messages and sleeps while the box is READY or READING; two consumers sleep while
 * it is not READY; every move of the state (put, take (R6), answer, recovery) loads the sleeper bits
 * afterwards and wakes the word when one is set. The handshake itself is mailbox.pml's; here every
 * access is sequentially consistent (format.md), each participant has its own sleeper bit, and a
 * dead holder is recovered in one step (READING|p -> ERROR) by whoever finds it.
 *
 * Timeouts. Every real sleep is bounded; a bound is modelled as an event that fires only when
 * nothing alive could wake the sleeper: a reader's or a consumer's liveness timeout only when its
 * writer is dead (or closed); the mailbox writer's holder check (every 10 ms) only when the holder
 * is dead; the writer asleep on READY only when no consumer is alive. A mover that dies between its
 * move and its wake leaves its sleepers to their timeouts (modelled as a wake at its death).
 *
 * Deaths: any reader, consumer or writer may die between any two of its steps (MAXCRASH per part):
 * a reader that dies asleep leaves its bit and pid set. Process death is a ghost flag; pid reuse is
 * left out (a dead pid never comes back, so kill(pid, 0) = ESRCH exactly when the process died).
 *
 * Properties:
 *  no_lost_wakeup (assertion in the monitor process, checked in every reachable state): no live
 *    sleeper is asleep, not woken, while its futex word shows what it waits for (a reader: a count
 *    other than its expected one; a consumer: READY; the mailbox writer: a state other than the
 *    one it slept on) and no live mover of that word is between its move and the end of its wake.
 *  An invalid end state (a reader or consumer asleep for ever, its writer alive) is also a lost
 *    wake-up: the ring writer stays alive after its last publish, readers end once they have read
 *    every sample.
 *  ring_counts: a reader ends having read every sample, unless its writer died.
 *
 * Not a mutant: NO_RECHECK_AFTER_BARRIER (the sleeper skips its last look at the word after the
 * barrier) passes, `spin -a -DMUTANT_NO_RECHECK_AFTER_BARRIER wake.pml` finds no counterexample: the
 * kernel compares the word with the expected value (the count read up to, the state seen) after the
 * barrier anyway, so the last look only saves a system call. What the last look and the kernel's
 * compare both need is the barrier between setting the bit and reading the word (mutant
 * NO_MEMBARRIER). One part alone: spin -a -DONLY_RING (or -DONLY_BOX) wake.pml.
 */

#ifndef MAXCRASH
#define MAXCRASH 2
#endif
#ifndef NPUB
#define NPUB     2     /* samples the ring writer publishes */
#endif
#define NSLOT    1     /* sleeper slots of the ring record (2 readers: one may find it taken) */
#define MARK     255   /* the healer's marker in a sleeper pid */
#ifndef NMSG
#define NMSG     2     /* messages the mailbox writer puts */
#endif

#define EMPTY    0
#define READY    1
#define READING  2
#define ERROR    3

hidden byte no_lost_wakeup = 1;    /* names the property in the assertion text */
hidden byte ring_counts = 1;

/* ------------------------------------------------------------------ part 1: ring */
byte published = 0;        /* in memory; its low half is the futex word */
bool buffered = false;     /* the writer's store buffer holds a published store */
byte bufval = 0;
byte sleepers = 0;         /* bit i: sleeper slot i asleep */
byte spid[NSLOT];          /* pid owning slot i, 0 free, MARK while healed */
bool walive = true;        /* ring writer alive (ghost) */
bool ralive[3];            /* readers 1, 2 (ghost) */
bool r_asleep[3];          /* ghost: reader in FUTEX_WAIT */
bool r_woken[3];           /* ghost: a FUTEX_WAKE reached it */
byte r_expected[3];
bool w_inflight = false;   /* ghost: writer between its published store and the end of its wake */
byte crashes = 0;
byte ring_running = 0;
bool ring_over = false;

#define RING_LOST(r) (ralive[r] && r_asleep[r] && !r_woken[r] && published != r_expected[r])
#define LOST_RING    (walive && !w_inflight && (RING_LOST(1) || RING_LOST(2)))

/* the store buffer drains (the write reaches memory) */
#define DRAIN if :: buffered -> published = bufval; buffered = false :: else fi

/* FUTEX_WAKE(published): a system call, so the writer's store buffer drains first */
#define WAKE_PUBLISHED \
    DRAIN; \
    if :: r_asleep[1] -> r_woken[1] = true :: else fi; \
    if :: r_asleep[2] -> r_woken[2] = true :: else fi

proctype Memory()
{
end_mem:
    do
    :: d_step { buffered -> published = bufval; buffered = false }
    :: ring_over -> break
    od
}

/* free sleeper slot i when its pid is dead: CAS pid p -> MARK, clear the bit, pid = 0 */
inline heal(i, p, ok)
{
    p = spid[i];
    if
    :: p != 0 && p != MARK && !ralive[p] ->
#ifdef MUTANT_HEAL_CLEARS_BEFORE_CAS
         d_step { sleepers = sleepers & ~(1 << i) };
#endif
         d_step { if :: spid[i] == p -> spid[i] = MARK; ok = true :: else -> ok = false fi };
         if
         :: ok ->
#ifndef MUTANT_HEAL_CLEARS_BEFORE_CAS
              d_step { sleepers = sleepers & ~(1 << i) };
#endif
              spid[i] = 0
         :: else
         fi
    :: else
    fi;
    d_step { p = 0; ok = false }
}

proctype RingWriter()
{
    byte k = 0, s, p, i;
    bool ok;

    do
    :: k == NPUB -> break
    :: k < NPUB ->
#ifdef MUTANT_WAKE_BEFORE_STORE
         s = sleepers;
         if :: skip :: atomic { crashes < MAXCRASH -> crashes++; walive = false; goto wdead } fi;
         d_step { !buffered -> bufval = k + 1; buffered = true; w_inflight = true };
#else
         d_step { !buffered -> bufval = k + 1; buffered = true; w_inflight = true };   /* published = k+1 (release) */
         if :: skip :: atomic { crashes < MAXCRASH -> crashes++; walive = false; goto wdead } fi;
         s = sleepers;    /* no fence: the sleepers' membarrier stands in for it */
#endif
         if :: skip :: atomic { crashes < MAXCRASH -> crashes++; walive = false; goto wdead } fi;
         if
         :: s != 0 ->
              d_step { WAKE_PUBLISHED; w_inflight = false; s = 0 };
              if                                   /* after fruitless wakes: heal dead sleepers */
              :: skip
              :: i = 0; heal(i, p, ok)
              fi
         :: else -> w_inflight = false
         fi;
         k++
    od;
    /* stays alive (and holding the region) after its last publish: readers must be woken */
    goto done;
wdead:
    skip;
done:
    ring_running--
}

proctype Reader(byte me)
{
    byte seen = 0, p, i, h;
    bool ok;

    do
    :: seen == NPUB -> break
    :: seen < NPUB ->
         p = published;
         if
         :: p != seen -> seen = p                   /* read the new samples */
         :: else ->
              /* nothing new: claim a sleeper slot (NSLOT = 1: slot 0) */
              i = 0;
              d_step { if :: spid[i] == 0 -> spid[i] = me; ok = true :: else -> ok = false fi };
              if
              :: !ok ->                              /* every slot taken: heal dead sleepers, else poll */
                   heal(i, h, ok);
                   if
                   :: !walive -> break                /* poll: a liveness check */
                   :: else
                   fi
              :: else ->
                   if :: skip :: atomic { crashes < MAXCRASH -> crashes++; ralive[me] = false; goto dead } fi;
                   d_step { sleepers = sleepers | (1 << i) };         /* atomic RMW: a full barrier */
                   if :: skip :: atomic { crashes < MAXCRASH -> crashes++; ralive[me] = false; goto dead } fi;
#ifndef MUTANT_NO_MEMBARRIER
                   d_step { DRAIN };                                  /* membarrier: a full barrier on the writer's CPU */
#endif
#ifndef MUTANT_NO_RECHECK_AFTER_BARRIER
                   p = published;                                     /* the last look */
                   if
                   :: p != seen -> goto unregister
                   :: else
                   fi;
#endif
                   /* FUTEX_WAIT(published, seen): the kernel compares and sleeps in one step */
                   d_step { if :: published == seen -> r_asleep[me] = true; r_expected[me] = seen :: else fi };
                   if
                   :: r_asleep[me] ->
                        if
                        :: d_step { (r_woken[me] || !walive) -> r_asleep[me] = false; r_woken[me] = false; r_expected[me] = 0 }
                        :: atomic { crashes < MAXCRASH -> crashes++; ralive[me] = false; r_asleep[me] = false; goto dead }
                        fi
                   :: else
                   fi;
unregister:
                   if :: skip :: atomic { crashes < MAXCRASH -> crashes++; ralive[me] = false; goto dead } fi;
                   d_step { sleepers = sleepers & ~(1 << i) };
                   if :: skip :: atomic { crashes < MAXCRASH -> crashes++; ralive[me] = false; goto dead } fi;
                   spid[i] = 0;
                   if
                   :: !walive -> break                /* woken by the timeout: the writer is gone */
                   :: else
                   fi
              fi;
              d_step { p = 0; ok = false }
         fi
    od;
    assert(ring_counts && (seen == NPUB || !walive));
dead:
    ring_running--
}

/* ------------------------------------------------------------------ part 2: mailbox state word */
byte mstate = EMPTY;       /* the state (low half of the handshake word): the futex word */
byte mholder = 0;          /* the high half while READING: the holder (1, 2 consumers) */
byte msleepers = 0;        /* bit q: participant q (0 writer, 1, 2 consumers) asleep on the state word */
bool mwalive = true;       /* the mailbox writer alive and not closed (ghost) */
bool malive[3];            /* 0 writer, 1, 2 consumers (ghost) */
bool m_asleep[3];
bool m_woken[3];
byte m_expected[3];
bool m_inflight[3];        /* ghost: participant between a move of the state and the end of its wake */
byte mcrashes = 0;

#define NO_MOVER_IN_FLIGHT (!m_inflight[0] && !m_inflight[1] && !m_inflight[2])
#define W_LOST   (malive[0] && m_asleep[0] && !m_woken[0] && mstate != m_expected[0])
#define C_LOST(c) (malive[c] && m_asleep[c] && !m_woken[c] && mstate == READY)
#define LOST_BOX (NO_MOVER_IN_FLIGHT && (W_LOST || C_LOST(1) || C_LOST(2)))

#define WAKE_STATE \
    if :: m_asleep[0] -> m_woken[0] = true :: else fi; \
    if :: m_asleep[1] -> m_woken[1] = true :: else fi; \
    if :: m_asleep[2] -> m_woken[2] = true :: else fi

/* after a move: load the sleeper bits, wake the word when one is set */
inline wake_state(me, s)
{
    s = msleepers;
    d_step {
        if :: s != 0 -> WAKE_STATE :: else fi;
        m_inflight[me] = false;
        s = 0
    }
}

/* die here; a wake this participant owed is left to its sleepers' timeouts (a wake at its death) */
#define MDIE(me) \
    atomic { mcrashes < MAXCRASH -> mcrashes++; malive[me] = false; \
             if :: m_inflight[me] -> WAKE_STATE; m_inflight[me] = false :: else fi; \
             goto dead }
#define MAYDIE_M(me) if :: skip :: MDIE(me) fi

/* the timeout of participant q's sleep */
#define TIMEOUT(q) \
    ((q == 0 && m_expected[0] == READY && !malive[1] && !malive[2]) || \
     (q != 0 && !mwalive) || \
     (m_expected[q] == READING && mstate == READING && !malive[mholder]))

/* sleep on the state word while it is st: register, (membarrier), last look, FUTEX_WAIT, unregister */
inline sleep_on(me, st)
{
    d_step { msleepers = msleepers | (1 << me) };
    MAYDIE_M(me);
#ifndef MUTANT_NO_RECHECK_AFTER_BARRIER
    if
    :: mstate != st -> goto unreg
    :: else
    fi;
#endif
    d_step { if :: mstate == st -> m_asleep[me] = true; m_expected[me] = st :: else fi };
    if
    :: m_asleep[me] ->
         if
         :: d_step { (m_woken[me] || TIMEOUT(me)) -> m_asleep[me] = false; m_woken[me] = false; m_expected[me] = 0 }
         :: atomic { mcrashes < MAXCRASH -> mcrashes++; malive[me] = false; m_asleep[me] = false; goto dead }
         fi
    :: else
    fi;
unreg:
    MAYDIE_M(me);
    d_step { msleepers = msleepers & ~(1 << me) }
}

/* a dead holder's message answered -1 (READING|p -> ERROR), then wake (mailbox.pml has the steps) */
inline recover(me, h, ok, s)
{
    d_step {
        if
        :: mstate == READING && mholder == h && !malive[h] ->
             mstate = ERROR; mholder = 0; m_inflight[me] = true; ok = true
        :: else -> ok = false
        fi
    };
    if
    :: ok -> MAYDIE_M(me); wake_state(me, s)
    :: else
    fi
}

proctype BoxWriter()
{
    byte k = 0, st, h, s;
    bool ok;
    byte me = 0;

    do
    :: d_step { st = mstate; h = mholder };
       if
       :: st == ERROR ->
            mstate = EMPTY                    /* the code read, the box emptied (nobody waits for EMPTY) */
       :: st == EMPTY && k == NMSG -> break
       :: st == EMPTY && k < NMSG ->
            /* the slot written (mailbox.pml); published and its wake are part 1's */
            MAYDIE_M(me);
            d_step { mstate = READY; m_inflight[me] = true };
            MAYDIE_M(me);
            wake_state(me, s);
            k++
       :: st == READING && !malive[h] -> recover(me, h, ok, s)
       :: st == READY || (st == READING && malive[h]) ->
            sleep_on(me, st)
       fi;
       d_step { st = 0; h = 0; ok = false }
    od;
    /* close: CLOSED, and the writer wakes its sleepers at once (here: their timeout fires) */
    mwalive = false;
    goto done;
dead:
    mwalive = false;
done:
    skip
}

proctype Consumer(byte me)
{
    byte st, h, s, k;
    bool ok;

    do
    :: d_step { st = mstate; h = mholder };
       if
       :: st == READY ->
            d_step { if :: mstate == READY -> mstate = READING; mholder = me; m_inflight[me] = true; ok = true
                        :: else -> ok = false fi };
            if
            :: ok ->
#ifndef MUTANT_TAKE_DOES_NOT_WAKE
                 MAYDIE_M(me);
                 wake_state(me, s);                   /* R6: a take wakes like every other move */
#else
                 m_inflight[me] = false;
#endif
                 MAYDIE_M(me);                        /* holding: copy, act */
                 if                                   /* answer: done or an error code */
                 :: d_step { mstate = EMPTY; mholder = 0; m_inflight[me] = true }
                 :: d_step { mstate = ERROR; mholder = 0; m_inflight[me] = true }
                 fi;
                 MAYDIE_M(me);
                 wake_state(me, s)
            :: else
            fi
       :: st == READING && h != me && !malive[h] -> recover(me, h, ok, s)
       :: st == EMPTY || st == ERROR || (st == READING && (h == me || malive[h])) ->
            if
            :: !mwalive -> break                    /* the writer is gone: stop consuming */
            :: else -> sleep_on(me, st)
            fi
       fi;
       d_step { st = 0; h = 0; ok = false }
    od;
dead:
    skip
}

active proctype monitor()
{
end_monitor:
    if
    :: atomic { LOST_RING -> assert(no_lost_wakeup && !LOST_RING) }
    :: atomic { LOST_BOX -> assert(no_lost_wakeup && !LOST_BOX) }
    fi
}

init {
    /* part 1 */
#ifndef ONLY_BOX
    atomic {
        ralive[1] = true; ralive[2] = true;
        ring_running = 3;
        run Memory(); run RingWriter(); run Reader(1); run Reader(2)
    }
    (ring_running == 0);
    ring_over = true;
    (_nr_pr == 2);       /* init and the monitor: part 1's processes are gone */
#endif
    d_step {             /* part 1's words back to a canonical state, so part 2 is explored once */
        published = 0; buffered = false; bufval = 0; sleepers = 0; spid[0] = 0; walive = false;
        ralive[1] = false; ralive[2] = false; r_asleep[1] = false; r_asleep[2] = false;
        r_woken[1] = false; r_woken[2] = false; r_expected[1] = 0; r_expected[2] = 0;
        w_inflight = false; crashes = 0; ring_over = false
    }
    /* part 2 */
#ifndef ONLY_RING
    atomic {
        malive[0] = true; malive[1] = true; malive[2] = true;
        run BoxWriter(); run Consumer(1); run Consumer(2)
    }
#endif
}
