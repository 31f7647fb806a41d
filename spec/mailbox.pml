//! cc: -DCOLLAPSE
//! run: -m10000
//! mutant: RECOVER_STORES_BEFORE_CAS | -m10000 | recovery stores holder start 0 and code -1, then CASes READING|p -> ERROR|k+1 (the code before issue 23, hole 2): a stalled recoverer's code store lands on a later consumer's answer, its sender reads -1
//! mutant: RECOVER_NO_SLOT_RECHECK | -m10000 | R4 as first written (word, liveness check, then k from the slot): the holder start read belongs to a later holder, a live holder is taken for dead when the word comes back to READING|p
//! mutant: WRITER_RESUMES_AT_WORD_COUNT | -m10000 | a writer taking over resumes at the word's count, not past the slot's index (rule R7 dropped): index k completed twice with two contents
//! mutant: UNREADABLE_START_MEANS_DEAD | -m10000 | a holder whose start time cannot be read is taken for dead (the code before issue 23, hole 3; rule R5 dropped): a live holder's message is claimed and answered -1
//! mutant: CONSUMER_CODE_AFTER_CAS | -m10000 | the consumer stores its error code after its CAS READING|pid -> ERROR|k+1: the writer reads a stale code
/*
 * shmtel mailbox record handshake (docs/format.md "Mailbox records", issue 23, rules R4 and R7 of
 * the issue's decisions). One writer at a time (the region lock), which may die between any two of
 * its stores and is then replaced by a new writer that takes the region over; two consumers that
 * take / answer and may die at any step while they hold a message; two recoverers that find a dead
 * holder and answer its message CONSUMER_DIED (-1), and may stall (SPIN interleaves freely) or die
 * between any two of their steps.
 *
 * Abstractions (said again in docs/reliability.md):
 *  - Every access to the mailbox words is sequentially consistent (format.md: "every access
 *    sequentially consistent"), so SPIN's interleaving semantics is exact for them. The u64
 *    handshake word is the pair (wstate, whigh), read and compare-and-swapped as one atomic step.
 *  - Process death is a ghost flag alive[pid]; a process's start time is its pid (distinct, never
 *    0), so "holder start" is the pid that stored it. Pid reuse is left out: a dead pid never comes
 *    back, so "dead" is !alive[p] or a stored non-zero holder start that is not p's own. A live
 *    p's start time may also be unreadable (a choice at every check): rule R5, alive.
 *  - Sleeping and waking (futex) are in wake.pml; here a wait is a blocking guard on the word.
 *  - The payload is 2 words; message k from writer generation g carries CONTENT(g,k) in both, so a
 *    copy mixing two puts, or index k put twice with different contents, is visible.
 *  - A recoverer polls: recoverer 3 starts a check at any moment while the box is READING,
 *    recoverer 4 (to bound the state space) only at a moment when the holder looks dead (dead, or
 *    the holder start is another process's); each then performs every load and store of the check
 *    as a separate step, so it may stall between any two of them. (Both starting at any moment:
 *    replace the guard by (wstate == READING); 12 million states, errors: 0.)
 *  - The writer's own recovery (a waiting writer recovers dead holders too) is the recoverers'.
 *  - Bounds: NMSG message indexes (0..NMSG-1, 2 here: `spin -DNMSG=3` for more), MAXGEN writer
 *    generations, MAXCRASH deaths in all (writers, consumers and recoverers together).
 *  - CONSUMER_DIED (-1) is written DIED (255) in the byte `code`.
 *
 * Properties (assertions, each named by a constant in its expression):
 *  delivered_at_most_once        no message index is taken twice
 *  whole_message                 a consumer copies exactly the contents its index was completed with
 *  ready_carries_its_index       READY|n: the slot holds index n-1 complete; EMPTY|n after the writer's
 *                                message k: n = k+1; the writer puts index k only from EMPTY|k
 *  sender_gets_the_given_answer  the answer a writer reads (EMPTY: done; ERROR: the code) is the one
 *                                the consumer that took the message gave (or -1, below)
 *  died_only_when_holder_died    -1 (CONSUMER_DIED) only for a message whose consumer died holding it
 *  live_holder_never_taken       a recoverer's swap from READING|p succeeds only when p is dead; a
 *                                live holder's answer swap never fails
 *  one_content_per_index         the slot never shows one index complete with two contents (R7)
 *  only_writer_moves_error       the writer's swaps (EMPTY -> READY, ERROR -> EMPTY) never fail
 *  recovered_counts_deaths       recovered <= messages whose consumer died holding them
 *
 * Rule R4 corrected (issue 23): the recoverer reads the slot's seq BEFORE the word and again after
 * the holder start; when the two differ it stops. Without it (mutant RECOVER_NO_SLOT_RECHECK) the
 * holder start it reads may be a later holder's, the start-time check calls the live p dead, and
 * the word coming back to READING|p (p took another message, or recovered one) lets its swap take a
 * live holder's message. With the seq unchanged, the box held that one message all along, so the
 * holder start read is 0 or p's own for it.
 */

#define EMPTY    0
#define READY    1
#define READING  2
#define ERROR    3

#ifndef NMSG
#define NMSG     2
#endif
#ifndef MAXGEN
#define MAXGEN   2
#endif
#ifndef MAXCRASH
#define MAXCRASH 2
#endif
#define DIED     255
#define NONE     255
#define CONTENT  (gen * 16 + k + 1)

/* the shared words of the mailbox record */
byte wstate = EMPTY;   /* handshake word, low half: the state (the futex word) */
byte whigh = 0;        /* handshake word, high half: READING: holder pid; READY: messages put; EMPTY/ERROR: answered */
byte published = 0;    /* messages put (the writer stores it after the READY swap) */
byte code = 0;         /* the error code of the answer in state ERROR */
byte hs = 0;           /* holder start time (start time of pid p is p here), 0 = none */
byte recovered = 0;    /* statistic: messages answered -1 because their consumer died holding them */
byte seq = 0;          /* the slot: seq 2k+1 while message k is written, 2k+2 once complete */
byte w0 = 0;
byte w1 = 0;

/* ghosts */
bool alive[5];                 /* pids 1, 2: consumers; 3, 4: recoverers */
byte crashes = 0;
byte complete_content[NMSG];   /* the content index k had when its slot first showed it complete */
bool taken[NMSG];              /* message k was delivered (taken and copied) */
bool answered[NMSG];           /* the consumer that took k answered it (its CAS succeeded) */
byte answer[NMSG];             /* that answer: 0 done, c >= 1 an error code */
bool died_holding[NMSG];       /* the consumer that took k died holding it (before its answer CAS) */
byte ndied = 0;

/* property names (constants, not part of the state), so a violation names its property */
hidden byte delivered_at_most_once = 1;
hidden byte ready_carries_its_index = 1;
hidden byte whole_message = 1;
hidden byte sender_gets_the_given_answer = 1;
hidden byte died_only_when_holder_died = 1;
hidden byte live_holder_never_taken = 1;
hidden byte one_content_per_index = 1;
hidden byte only_writer_moves_error = 1;
hidden byte recovered_counts_deaths = 1;

/* compare-and-swap of the u64 handshake word */
#define CAS(es, eh, ns, nh) \
    if \
    :: (wstate == (es) && whigh == (eh)) -> wstate = (ns); whigh = (nh); ok = true \
    :: else -> ok = false \
    fi

/* a consumer or recoverer may die here (before its next store or swap) */
#define MAYDIE \
    if \
    :: skip \
    :: atomic { crashes < MAXCRASH -> crashes++; alive[me] = false; \
                if :: held != NONE -> died_holding[held] = true; ndied++ :: else fi; \
                goto dead } \
    fi

/* the writer may die here; a new writer (next generation) then takes the region over */
#define MAYDIE_W \
    if \
    :: skip \
    :: atomic { (crashes < MAXCRASH && gen < MAXGEN) -> crashes++; goto wdead } \
    fi

/* the answer a writer reads for message m (code c: 0 done, >= 1 error, DIED) is the one given */
#define CHECK_ANSWER(m, c) \
    assert(sender_gets_the_given_answer && ((c) == DIED || (answered[m] && answer[m] == (c)))); \
    assert(died_only_when_holder_died && ((c) != DIED || (died_holding[m] && !answered[m])))

proctype Writer(byte gen)
{
    byte k, ws, wh, s, c, pc;
    byte pending = NONE;
    bool ok;

    /* take the region over (generation 1 finds everything zero): the next message index */
    d_step { ws = wstate; wh = whigh };
    s = seq;
    d_step {
        k = published;
        if  /* messages put according to the word (READING: from the slot, complete) */
        :: ws == READING && s > 0 && s % 2 == 0 -> pc = s / 2
        :: ws == READING && !(s > 0 && s % 2 == 0) -> pc = 0
        :: ws != READING -> pc = wh
        fi
    };
    if
    :: pc > k -> k = pc; MAYDIE_W; published = pc   /* a writer died between the READY swap and published */
    :: else
    fi;
#ifndef MUTANT_WRITER_RESUMES_AT_WORD_COUNT
    /* R7: past the slot's index when its seq shows it complete (2i+2) or in progress (2i+1) */
    if
    :: s > 0 && (s + 1) / 2 > k -> k = (s + 1) / 2
    :: else
    fi;
    if  /* the skipped index was never put: counted as answered, so READY|n carries index n-1 */
    :: ws == EMPTY && k > wh -> MAYDIE_W; d_step { CAS(EMPTY, wh, EMPTY, k); assert(only_writer_moves_error && ok) }
    :: else
    fi;
#endif
    d_step { s = 0; pc = 0; ok = false };

    do
    :: d_step {
           ws = wstate; wh = whigh;
           if
           :: ws == EMPTY && pending != NONE ->      /* answered done */
                assert(ready_carries_its_index && wh == pending + 1);
                CHECK_ANSWER(pending, 0);
                pending = NONE
           :: else
           fi
       };
       if
       :: ws == ERROR ->
            c = code;                 /* the code first, then empty the box */
            MAYDIE_W;
            d_step {
                CAS(ERROR, wh, EMPTY, wh);
                assert(only_writer_moves_error && ok);
                CHECK_ANSWER(wh - 1, c);
                if :: pending == wh - 1 -> pending = NONE :: else fi;
                c = 0
            }
       :: ws == EMPTY ->
            c = 0;
            if
            :: k >= NMSG -> break
            :: else
            fi;
            assert(ready_carries_its_index && wh == k);
            MAYDIE_W; seq = 2 * k + 1;
            MAYDIE_W; w0 = CONTENT;
            MAYDIE_W; w1 = CONTENT;
            MAYDIE_W;
            d_step {
                seq = 2 * k + 2;
                assert(one_content_per_index && (complete_content[k] == 0 || complete_content[k] == CONTENT));
                complete_content[k] = CONTENT
            };
            MAYDIE_W; d_step { CAS(EMPTY, k, READY, k + 1); assert(only_writer_moves_error && ok) };
            MAYDIE_W; published = k + 1;
            pending = k;
            k++
       :: ws == READY || ws == READING ->
end_wait:   (wstate != ws || whigh != wh)    /* wait for a move (wake.pml: asleep on the state word) */
       fi
    od;
    goto done;
wdead:
    run Writer(gen + 1);
done:
    skip
}

proctype Consumer(byte me)
{
    byte n, s, a, b, c, k;
    byte held = NONE;
    bool ok;

end_wait:
    do
    :: d_step { wstate == READY -> n = whigh; wstate = READING; whigh = me; held = n - 1 };   /* take */
       MAYDIE; hs = me;
       /* copy the slot (nobody writes it while the box is READING: the assertions check it) and choose
          the answer: done, or this consumer's error code; the ghost checks ride on the copy's step */
       atomic {
           s = seq; a = w0; b = w1;
           k = s / 2 - 1;
           assert(ready_carries_its_index && s == 2 * n);
           assert(delivered_at_most_once && !taken[k]);
           taken[k] = true;
           assert(whole_message && a == b && a == complete_content[k]);
           if
           :: c = 0
           :: c = me
           fi
       };
       MAYDIE; hs = 0;
#ifndef MUTANT_CONSUMER_CODE_AFTER_CAS
       if
       :: c != 0 -> MAYDIE; code = c
       :: else
       fi;
#endif
       MAYDIE;
       d_step {
           if
           :: c == 0 -> CAS(READING, me, EMPTY, k + 1)
           :: else -> CAS(READING, me, ERROR, k + 1)
           fi;
           assert(live_holder_never_taken && ok);
           answered[k] = true; answer[k] = c; held = NONE
       };
#ifdef MUTANT_CONSUMER_CODE_AFTER_CAS
       if
       :: c != 0 -> code = c
       :: else
       fi;
#endif
       d_step { n = 0; s = 0; a = 0; b = 0; c = 0; k = 0; ok = false }
    od;
dead:
    skip
}

proctype Recoverer(byte me)
{
    byte p, h, s, s2, k;
    byte held = NONE;   /* a recoverer's death is never a consumer's (died_holding is about consumers) */
    bool ok;

end_idle:
    do
    :: (wstate == READING && (me == 3 || !alive[whigh] || (hs != 0 && hs != whigh))) ->
       /* it polls now and then: recoverer 3 at any moment while a message is held, recoverer 4
          (a bound on the state space) while the holder looks dead; then either may stall anywhere */
       s = seq;                                        /* the slot first (R4 as corrected here) */
       d_step { ok = (wstate == READING && whigh != me); p = whigh };
       if
       :: !ok -> goto next
       :: else
       fi;
       if  /* p dead: no process p, or p's start time is readable and not the non-zero stored holder start */
       :: !alive[p] -> skip
       :: else ->
            if
            :: true ->                                 /* p's start time read: p here (no pid reuse) */
                 h = hs;
                 if
                 :: h != 0 && h != p -> skip
                 :: else -> goto next
                 fi
            :: true ->                                 /* unreadable: hidepid, EMFILE, another PID namespace */
#ifdef MUTANT_UNREADABLE_START_MEANS_DEAD
                 skip                                  /* taken for dead, as the code was before issue 23 */
#else
                 goto next                             /* rule R5: an unreadable start time means alive */
#endif
            fi
       fi;
#ifdef MUTANT_RECOVER_NO_SLOT_RECHECK
       s = seq;                                        /* R4 as first written: k from the slot after the check */
#else
       s2 = seq;                                       /* the same message all along, so the holder start read */
       if                                              /* was stored by p for this message (or is 0) */
       :: s2 != s -> goto next
       :: else
       fi;
#endif
       if
       :: s == 0 || s % 2 == 1 -> goto next
       :: else -> k = s / 2 - 1
       fi;
#ifdef MUTANT_RECOVER_STORES_BEFORE_CAS
       MAYDIE; hs = 0;
       MAYDIE; code = DIED;
       MAYDIE;
       d_step {
           CAS(READING, p, ERROR, k + 1);
           if
           :: ok -> assert(live_holder_never_taken && !alive[p]);
                    assert(died_only_when_holder_died && died_holding[k] && !answered[k])
           :: else
           fi
       };
       if
       :: !ok -> goto next
       :: else
       fi;
#else
       /* R4: become the holder first, then answer like a consumer */
       MAYDIE; hs = 0;
       MAYDIE;
       d_step {
           CAS(READING, p, READING, me);
           if
           :: ok -> assert(live_holder_never_taken && !alive[p])
           :: else
           fi
       };
       if
       :: !ok -> goto next
       :: else
       fi;
       MAYDIE; code = DIED;
       MAYDIE;
       d_step {
           CAS(READING, me, ERROR, k + 1);
           assert(live_holder_never_taken && ok);
           assert(died_only_when_holder_died && died_holding[k] && !answered[k])
       };
#endif
       MAYDIE; d_step { recovered++; assert(recovered_counts_deaths && recovered <= ndied) };
next:
       atomic { p = 0; h = 0; s = 0; s2 = 0; k = 0; ok = false }   /* locals reset: fewer states */
    od;
dead:
    skip
}

init {
    atomic {
        alive[1] = true; alive[2] = true; alive[3] = true; alive[4] = true;
        run Writer(1);
        run Consumer(1);
        run Consumer(2);
        run Recoverer(3);
        run Recoverer(4)
    }
}
