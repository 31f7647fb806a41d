//! run: -m200000
//! run: -DLAZY_RESUME | -m200000
//! cc: -DSAFETY -DCOLLAPSE
//! mutant: TAKEOVER_RESUMES_AT_PUBLISHED | -m200000 | the new writer resumes at published and rewrites an index the dead writer completed (hole 1, the ABA)
//! mutant: NO_RECHECK | -m200000 | readers skip the second seq load after the copy
//! mutant: PUBLISHED_BEFORE_SEQ | -m200000 | the writer stores published before seq = 2k+2
//! mutant: STREAM_NO_SEQ_RELOAD | -m200000 | rule R2 without the second seq load: the stream reader judges a hole by the seq it loaded before published
//! mutant: STREAM_WAITS_AT_HOLE | -m200000 | rule R1 without rule R2: the stream reader waits for ever at an index a dead writer abandoned
//! mutant: LAPPED_NOT_COUNTED | -m200000 | the stream reader skips lapped samples without counting them lost
//! mutant: LAPPED_SKIP_WITHOUT_MAX | -m200000 | the stream reader skips to published - depth + 1 even when that is not ahead of its cursor
//! mutant: ABORT_COMPLETES | -m200000 | an aborted claim is completed (seq 2k+2) with what the caller wrote so far, then index k is written again
//! mutant: ABORT_RESTORES_SEQ | -m200000 | an aborted claim stores back the slot's old seq, as if the older sample were still whole
//! mutant: SKIP_WITHOUT_MARK | -m200000 | a writer leaving indexes out does not mark the last depth - 1 of them 2j+1: the stream reader waits at one
//! mutant: SKIP_MARKS_COMPLETE | -m200000 | a writer leaving indexes out marks them 2j+2: the older sample in the slot is delivered as index j
//! mutant: LAZY_RESUMES_AT_PUBLISHED | -m200000 | the C writer's lazy resume without its check: it publishes index published, which the dead writer completed (the ABA of issue 23)
//! mutant: LAZY_CHECKED_SLOT_ONLY | -m200000 | the lazy resume jumps past the index the checked slot shows, not past every slot's: it rewrites an index a dead writer started after a gap

/*
 * The seqlock ring of docs/format.md ("The seqlock protocol"), at the level of its words and steps,
 * with rule R1 (a writer that takes the region over resumes past every index a slot shows complete
 * or in progress) and rule R2 (a stream reader skips an index a dead writer abandoned), and the
 * writer's two ways of not completing an index it started: a zero-copy claim it aborts (the slot
 * stays 2k+1, the same index is written again whole) and indexes it leaves out (RingWriter.skipTo,
 * the bridge's mirror: the last depth - 1 left out are marked 2j+1, as a dying writer leaves them).
 *
 * What is modelled:
 *   - one record, depth 2; per slot its seq word and 2 payload words (the timestamp is one more
 *     payload word and adds nothing); the record's `published` word;
 *   - a writer publishing samples, in format.md's order of stores, that may die between ANY two
 *     of its stores (the kernel then releases its lock); the next writer takes the region over in
 *     place (rule R1) and may die too: two or three writer lives (see init), one after the other
 *     (the lock lets only one live at a time, so one process plays them in turn);
 *   - a reader of the newest sample and a stream reader (cursor from index 0), following format.md's
 *     reader steps, each load one step.
 *   - a zero-copy claim (RingWriter.claim/commitClaim) is the publish's own steps with the caller's
 *     payload stores in the middle, so the publish below is one too; the writer may abort it after
 *     any of its stores (at most MAXABORT times): nothing stored, the slot stays 2k+1 with whatever
 *     the caller wrote, and the next publish writes index k again, whole;
 *   - between two samples the writer may leave out 1 or 2 indexes (at most MAXSKIP times): it marks
 *     each left-out index j among the last depth - 1 (here: the last one) seq = 2j+1, and may die
 *     between any two of those stores; the index before a gap of 2 shares its slot with the next
 *     sample and is not marked;
 *   - an optimistic (zero-copy) reader, which reads fields in place between its two seq loads, is
 *     the copying reader below: the copy is already one load per payload word, interleaved with
 *     every writer step, and reading only some fields is a subset of those loads;
 *   - payload word values are VAL(index, write): `write` counts writer lives and aborted claims, so
 *     a copy mixing two writes of an index, or an index delivered with two contents, is visible.
 *   - -DLAZY_RESUME (a second run): every writer life after the first is the generated C writer,
 *     whose _publish keeps no index of its own and applies R1 lazily, at each publish: k =
 *     published; if seq[k mod depth] >= 2k+1 (index k, or a later one of that slot, was started),
 *     k = max(k, 1 + the highest index any slot shows); then the usual publish. Such a life
 *     neither claims nor leaves gaps (C has neither); the first life may do both and die in the
 *     middle of either, so a lazy life may meet a gap's marks above an older, unmarked slot at
 *     `published`: it publishes that index (never started by anyone), then meets a mark and jumps.
 *
 * Memory model: SPIN executes the steps of the processes interleaved, each load and store atomic
 * and at once visible to all (sequential consistency). The code gets the orders this model relies
 * on from release stores, acquire loads and the load-load fence format.md lists (the writer's
 * store-store fence after the odd seq, the release of seq = 2k+2 and of published, the reader's
 * acquire of published and of the first seq load, the load-load fence before the second); what
 * SC adds beyond those orders is not checked here (jcstress covers the Java code on real hardware).
 * The writer's lock and the kernel's release of it on death are not modelled: they make the
 * writer lives sequential, which the single Writer process does.
 */

#ifndef DEPTH
#define DEPTH 2
#endif
#if defined(MUTANT_LAZY_RESUMES_AT_PUBLISHED) || defined(MUTANT_LAZY_CHECKED_SLOT_ONLY)
#define LAZY_RESUME
#endif
#define NGEN 3                 /* writer lives at most: the first writer and two takeovers */
#ifndef SAMPLES0
#define SAMPLES0 2             /* samples the first writer publishes at most */
#endif
#ifndef SAMPLES1
#define SAMPLES1 2             /* samples each later writer publishes at most */
#endif
#ifndef MAXABORT
#define MAXABORT 1             /* aborted claims at most, all lives together */
#endif
#ifndef MAXSKIP
#define MAXSKIP 1              /* gaps left at most, all lives together */
#endif
#define NIDX 14                /* bound on any index that can occur (asserted) */
#define NWRITE (NGEN + MAXABORT)            /* distinct writes of one index: lives and aborted claims */
#define VAL(k, w) ((k) * NWRITE + (w) + 1)  /* payload word of index k by write w; 0 = never written */
#define IDX(v) (((v) - 1) / NWRITE)

byte seq[DEPTH];               /* 0 never written, 2k+1 sample k in progress, 2k+2 sample k complete */
byte pay0[DEPTH];
byte pay1[DEPTH];
byte published;                /* count of complete samples: the newest is published-1 */
bool wdone;                    /* every writer life is over (ghost: lets the readers finish) */

/* ghost state for the properties */
byte first[NIDX];              /* content first delivered for each index (0: none yet) */
bit completed[NIDX];           /* some writer stored seq = 2k+2 */
bit abandoned[NIDX];           /* the stream reader counted k lost as abandoned by a dead writer */

/* The properties, one named variable each, so that a violation reads "assertion violated <name>".
 * Hidden: assigned and asserted in one atomic step, not part of the state. */
hidden byte one_publish;       /* a delivered sample's words all come from one publish of its index */
hidden byte one_content;       /* an index is never delivered with two different contents */
hidden byte in_order;          /* the stream reader delivers indexes in increasing order */
hidden byte all_counted;       /* stream: delivered + lost = every index the cursor passed */
hidden byte abandoned_never_complete; /* R2: an index skipped as abandoned is never complete, before or after */
hidden byte stream_not_stuck;  /* once the writers are gone, the stream reader reaches published */
hidden byte index_bound;       /* the model's own bound on indexes holds */
hidden byte newest_readable;   /* -DCHECK_NEWEST_READABLE only: the newest published sample stays readable */

/* A writer life may die here: the rest of its steps never happen. */
#define CRASH_POINT if :: goto died :: skip fi
/* The claimer may give its claim up here (abortClaim), while it has aborts left. */
#define ABORT_POINT if :: cz && ab < MAXABORT -> goto aborted :: skip fi

inline deliver(k, c0, c1) {
    d_step {
        one_publish = (c0 == c1 && c0 != 0 && IDX(c0) == k);
        assert(one_publish);
        one_content = (first[k] == 0 || first[k] == c0);
        assert(one_content);
        if
        :: first[k] == 0 -> first[k] = c0
        :: else -> skip
        fi
    }
}

proctype Writer(byte lives; bit zc) {
    byte g = 0;                /* writer life */
    byte w = 0;                /* write: lives and aborted claims so far (the payload words' tag) */
    byte ab = 0;               /* aborted claims so far */
    byte sk = 0;               /* gaps left so far */
    byte to;                   /* the index after a gap */
#ifdef MUTANT_ABORT_RESTORES_SEQ
    byte prev;                 /* the slot's seq before the claim */
#endif
    byte k;                    /* next index */
    bit cz;                    /* this life may abort claims and leave gaps (zc; a lazy life does neither) */
    bit lazy;                  /* this life applies R1 lazily, at each publish (LAZY_RESUME: the C writer) */
    byte n;                    /* samples published in this life */
    byte s;
    byte i;
    do
    :: g < lives ->
        /* Create (g = 0) or take over in place. The previous life is dead: nobody else stores,
         * so the resume computation is one step. */
#if defined(LAZY_RESUME) && defined(LAZY_MIXED)
        if                                             /* by hand: a later life is a C writer (lazy) */
        :: g > 0 -> lazy = 1; cz = 0                   /* or a Java one (R1 now, claims and gaps) */
        :: true -> lazy = 0; cz = zc
        fi;
#endif
        d_step {
            k = published;
#if defined(LAZY_RESUME) && defined(LAZY_MIXED)
            skip;                                      /* lazy and cz chosen before the d_step */
#elif defined(LAZY_RESUME) && defined(LAZY_CLAIMS)
            lazy = (g > 0);                            /* by hand: lazy lives also give claims up, and */
            cz = zc;                                   /* the next publish's check skips the index */
#elif defined(LAZY_RESUME)
            lazy = (g > 0);
            cz = (zc && g == 0);
#else
            cz = zc;
#endif
            if
            :: lazy -> skip                            /* nothing now: each publish checks (below) */
            :: else ->
            skip;
#if defined(RESUME_REUSES_IN_PROGRESS)
            /* The alternative to R1 (see spec/README.md): publish what a slot shows complete, then
             * resume past it, reusing an index that a slot shows only in progress. */
            i = 0;
            do
            :: i < DEPTH ->
                if
                :: seq[i] > 0 && seq[i] % 2 == 0 && seq[i] / 2 > k -> k = seq[i] / 2
                :: else -> skip
                fi;
                i++
            :: else -> break
            od;
            published = k;
            i = 0;
            do
            :: i < DEPTH ->
                if
                :: seq[i] % 2 == 1 && (seq[i] - 1) / 2 > k -> k = (seq[i] - 1) / 2
                :: else -> skip
                fi;
                i++
            :: else -> break
            od;
            i = 0;
#elif !defined(MUTANT_TAKEOVER_RESUMES_AT_PUBLISHED)
            /* R1: past every index any slot shows complete (2k+2) or in progress (2k+1); a lazy
             * life (LAZY_RESUME, below) applies it at each publish instead */
            i = 0;
            do
            :: i < DEPTH ->
                if
                :: seq[i] > 0 && (seq[i] - 1) / 2 + 1 > k -> k = (seq[i] - 1) / 2 + 1
                :: else -> skip
                fi;
                i++
            :: else -> break
            od;
            i = 0;
#endif
            fi;
            n = 0
        }
        do
        :: n < (g == 0 -> SAMPLES0 : SAMPLES1) ->
            d_step {
#ifdef LAZY_RESUME
                /* The C writer's _publish (format.md, "Creating, taking over and opening"): it keeps
                 * no index of its own, so it starts from published and applies R1 only when the
                 * slot of that index shows it started (a slot's seq never decreases). */
                if
                :: lazy ->
                    k = published;                     /* relaxed: only writers store it */
#ifndef MUTANT_LAZY_RESUMES_AT_PUBLISHED
                    if
                    :: seq[k % DEPTH] >= 2 * k + 1 ->  /* relaxed: index k started, or a later one */
#ifdef MUTANT_LAZY_CHECKED_SLOT_ONLY
                        k = (seq[k % DEPTH] - 1) / 2 + 1
#else
                        i = 0;                         /* R1 in full: past every index a slot shows */
                        do
                        :: i < DEPTH ->
                            if
                            :: seq[i] > 0 && (seq[i] - 1) / 2 + 1 > k -> k = (seq[i] - 1) / 2 + 1
                            :: else -> skip
                            fi;
                            i++
                        :: else -> break
                        od;
                        i = 0
#endif
                    :: else -> skip                    /* index k never started: publish it */
                    fi
#endif
                :: else -> skip
                fi;
#endif
                index_bound = (k + DEPTH < NIDX); assert(index_bound); s = k % DEPTH;
#ifdef MUTANT_ABORT_RESTORES_SEQ
                prev = seq[s]
#endif
            }
            seq[s] = 2 * k + 1;                        /* opaque store, then a store-store fence (claim()) */
            ABORT_POINT;
            CRASH_POINT;
            pay0[s] = VAL(k, w);                       /* plain stores (the claimer's, in place) */
            ABORT_POINT;
            CRASH_POINT;
            pay1[s] = VAL(k, w);
            ABORT_POINT;
            CRASH_POINT;
#ifndef MUTANT_PUBLISHED_BEFORE_SEQ
            d_step {                                   /* release store */
                abandoned_never_complete = !abandoned[k];
                assert(abandoned_never_complete);
                seq[s] = 2 * k + 2;
                completed[k] = 1
            }
            CRASH_POINT;
            published = k + 1;                         /* release store */
#else
            published = k + 1;
            CRASH_POINT;
            d_step {
                abandoned_never_complete = !abandoned[k];
                assert(abandoned_never_complete);
                seq[s] = 2 * k + 2;
                completed[k] = 1
            }
#endif
            d_step { k++; n++; s = 0 };
            goto sampled;
aborted:    skip;                                      /* abortClaim(): index k is written again */
#if defined(MUTANT_ABORT_COMPLETES)
            d_step {
                abandoned_never_complete = !abandoned[k];
                assert(abandoned_never_complete);
                seq[s] = 2 * k + 2;
                completed[k] = 1
            }
#elif defined(MUTANT_ABORT_RESTORES_SEQ)
            seq[s] = prev;
#endif
            d_step { ab++; w++; s = 0 };
sampled:    skip
        :: cz && !lazy && n < (g == 0 -> SAMPLES0 : SAMPLES1) && sk < MAXSKIP ->
            /* skipTo(to): leave out k .. to-1; mark j = max(k, to-DEPTH+1) .. to-1 seq = 2j+1 */
            if
            :: to = k + 1
            :: to = k + 2
#if DEPTH > 2
            :: to = k + DEPTH                          /* a gap of depth: the marks cover published - 1's slot */
#endif
#ifdef GAP_PAST_DEPTH
            :: to = k + DEPTH + 1                      /* by hand only (spec/README.md) */
#endif
            fi;
            d_step {
                sk++;
                index_bound = (to + DEPTH < NIDX);
                assert(index_bound);
                i = (to + 1 > DEPTH + k -> to + 1 - DEPTH : k)
            }
            do
            :: i < to ->
#if defined(MUTANT_SKIP_MARKS_COMPLETE)
                seq[i % DEPTH] = 2 * i + 2;
#elif !defined(MUTANT_SKIP_WITHOUT_MARK)
                seq[i % DEPTH] = 2 * i + 1;            /* release store */
#endif
                i++;
                CRASH_POINT
            :: else -> d_step { k = to; to = 0; i = 0 }; break
            od
        :: break                                       /* stops (or dies) between two samples */
        od;
died:    skip;
        d_step { g++; w++; n = 0; s = 0; to = 0; i = 0 }
    :: else -> break
    od;
#ifdef CHECK_NEWEST_READABLE
    /* The newest sample published stays readable (format.md): no writer lives any more, so its
     * slot must still hold it. Rule R1 breaks this, see spec/README.md. */
    skip;
    d_step { newest_readable = (published == 0 || seq[(published - 1) % DEPTH] == 2 * published); assert(newest_readable) }
#endif
    wdone = true
}

/* Reader of the newest sample (format.md): retries while the writers live. */
proctype Latest() {
    byte p, k, s, s0, s1, c0, c1;
    do
    :: wdone -> break
    :: true ->
        p = published;                                  /* acquire */
        if
        :: p == 0 -> skip                               /* nothing yet */
        :: else ->
            d_step { k = p - 1; s = k % DEPTH }
            s0 = seq[s];                                /* acquire */
            if
            :: s0 == 2 * k + 2 ->
                c0 = pay0[s];                           /* the copy, word by word */
                c1 = pay1[s];
#ifndef MUTANT_NO_RECHECK
                s1 = seq[s];                            /* after a load-load fence */
#else
                s1 = s0;
#endif
                if
                :: s1 == s0 -> deliver(k, c0, c1)
                :: else -> skip                         /* torn: start again */
                fi
            :: else -> skip                             /* overwritten meanwhile: start again */
            fi
        fi;
        d_step { p = 0; k = 0; s = 0; s0 = 0; s1 = 0; c0 = 0; c1 = 0 }
    od
}

/* Stream reader with its own cursor k, from index 0 (format.md and rule R2). */
proctype Stream() {
    byte k = 0, lost = 0, delivered = 0, last = 255;
    byte p, s, s0, s1, c0, c1, next;
    byte after = 0;                                     /* attempts since the writers are gone */
    do
    :: wdone && k >= published -> break                /* caught up, nobody writes any more */
    :: else ->
        s = k % DEPTH;
        s0 = seq[s];                                    /* acquire */
        if
        :: s0 == 2 * k + 2 ->
            c0 = pay0[s];
            c1 = pay1[s];
#ifndef MUTANT_NO_RECHECK
            s1 = seq[s];
#else
            s1 = s0;
#endif
            if
            :: s1 == s0 ->
                deliver(k, c0, c1);
                d_step {
                    in_order = (last == 255 || last < k);
                    assert(in_order);
                    last = k;
                    delivered++;
                    k++
                }
            :: else -> goto lapped                      /* overwritten during the copy */
            fi
        :: s0 > 2 * k + 2 ->
lapped:
            p = published;                              /* acquire */
            d_step {                                    /* skip to the oldest sample not overwritten next */
#ifndef MUTANT_LAPPED_SKIP_WITHOUT_MAX
                next = k + 1;
                if
                :: p + 1 > DEPTH + next -> next = p + 1 - DEPTH
                :: else -> skip
                fi;
#else
                next = (p + 1 > DEPTH -> p + 1 - DEPTH : 0);
#endif
#ifndef MUTANT_LAPPED_NOT_COUNTED
                lost = lost + next - k;
#endif
                k = next;
                next = 0
            }
#ifndef STREAM_LOADS_PUBLISHED_BELOW
        :: s0 < 2 * k + 1 -> skip                       /* not yet written: published is not loaded (Java's empty poll) */
        :: s0 == 2 * k + 1 ->                           /* in progress, or abandoned: the only value an abandoned index shows */
#else
        :: s0 < 2 * k + 2 ->                            /* remedy for -DDEPTH=3 (spec/README.md): R2 below 2k+1 too */
#endif
#ifndef MUTANT_STREAM_WAITS_AT_HOLE
            p = published;                              /* acquire, after the first seq load */
#ifndef MUTANT_STREAM_NO_SEQ_RELOAD
            s1 = seq[s];                                /* acquire, after published */
#else
            s1 = s0;
#endif
            if
            :: p > k && s1 < 2 * k + 2 ->               /* R2: abandoned by a dead writer */
                d_step {
                    abandoned_never_complete = !completed[k];
                    assert(abandoned_never_complete);
                    abandoned[k] = 1;
                    lost++;
                    k++
                }
            :: else -> skip                             /* not yet written */
            fi
#else
            skip                                        /* not yet written (today's reader) */
#endif
        fi;
        d_step {
            all_counted = (k == delivered + lost);
            assert(all_counted);
            if
            :: wdone -> after++
            :: else -> skip
            fi;
            /* once the writers are gone, every attempt moves the cursor (or it is caught up) */
            stream_not_stuck = (after <= NIDX + 1);
            assert(stream_not_stuck);
            p = 0; s = 0; s0 = 0; s1 = 0; c0 = 0; c1 = 0
        }
    od
}

/*
 * (With -DLAZY_RESUME the same five set-ups, lives 1 and 2 lazy; -DLAZY_THREE_LIVES adds two with
 * three lives after a first life that may abort a claim and leave a gap, by hand only.)
 * Five set-ups in one exhaustive run (init picks one; the search explores all five): each reader
 * alone against two writer lives that may also abort a claim and leave a gap (MAXABORT, MAXSKIP:
 * once each, in either life; first, so that the mutants of those steps fail fast); both readers
 * against two writer lives (the first writer and one takeover, which may die too), and each reader
 * alone against three lives (a takeover of a region whose previous taker-over died), these three
 * without claims aborted or gaps. Both readers against three lives is the same model but some 10^8
 * states, and claims and gaps in all set-ups over 5 GB of states unfinished after 10 minutes: beyond
 * the build's time budget.
 */
init {
    atomic {
        if
        :: run Writer(2, 1); run Stream()
        :: run Writer(2, 1); run Latest()
        :: run Writer(2, 0); run Latest(); run Stream()
        :: run Writer(3, 0); run Stream()
        :: run Writer(3, 0); run Latest()
#if defined(LAZY_RESUME) && defined(LAZY_THREE_LIVES)
        :: run Writer(3, 1); run Stream()          /* lazy lives 1 and 2 after life 0's claim and gap */
        :: run Writer(3, 1); run Latest()          /* (by hand: 29,555,550 states, spec/README.md) */
#endif
        fi
    }
}
