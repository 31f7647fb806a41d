package io.shmtel.schema.gen;

import io.shmtel.schema.layout.ProtocolConstants;
import io.shmtel.schema.layout.RecordLayout;
import java.util.concurrent.TimeUnit;

/**
 * The C functions CGenerator writes for each record after its struct: {@code _publish} (with the takeover rule,
 * applied lazily), {@code _read_latest}, {@code _read_next}, {@code _published} and {@code _wait} for a ring,
 * {@code _offer}, {@code _poll_answer}, {@code _take}, {@code _answer}, {@code _recover}, {@code _read_latest},
 * {@code _published} and {@code _wait} for a mailbox. They call the common functions of
 * {@value CHeaderCommon#RESOURCE}.
 */
final class CRecordFunctions {
    private CRecordFunctions() {}

    /**
     * Writes record {@code r}'s functions: {@code type} is its C struct type, {@code fn} the prefix of its
     * function names, {@code m} the prefix of its macros.
     */
    static void write(SourceWriter w, RecordLayout r, String type, String fn, String m) {
        if (r.isMailbox()) {
            mailbox(w, r, type, fn, m);
        } else {
            publish(w, r, type, fn, m);
        }
        readLatest(w, r, type, fn, m);
        w.line();
        if (!r.isMailbox()) {
            readNext(w, r, type, fn, m);
        }
        function(w, """
            /* The count of samples (messages) of "%s" published so far (acquire): where a stream that wants only
             * new samples starts, and what _wait compares with. */
            """.formatted(r.name()),
                "static inline uint64_t " + fn + "_published(const void *base)",
                "return SHMTEL_LOAD_(shmtel_u64_((const char *)base + " + m + "_BLOCK_OFFSET, "
                        + "SHMTEL_PUBLISHED_OFFSET), ACQUIRE);");
        waitFor(w, r, fn, m);
    }

    private static void mailbox(SourceWriter w, RecordLayout r, String type, String fn, String m) {
        String args = "base, " + m + "_BLOCK_OFFSET";
        w.line("/* \"" + r.name() + "\" is a mailbox (" + m
                + "_MAILBOX): one message at a time, taken once and answered");
        w.line(" * once (docs/format.md). No _publish: a ring publish would bypass the handshake."
                + " Nothing here sleeps;");
        w.line(" * call these in the program's own loop (Java ends asleep in the kernel are woken). */");
        w.line("#define " + m + "_MAILBOX 1");
        w.line();
        function(w, """
            /* Sender (the region's single writer): puts *message into the empty mailbox. 1: put, *message_index set;
             * 0: the mailbox still holds an unanswered message. An answer not read with %s_poll_answer is dropped. */
            """.formatted(fn),
                "static inline int " + fn + "_offer(void *base, const " + type
                        + " *message, uint64_t timestamp_ns, uint64_t *message_index)",
                "return shmtel_mailbox_offer_(" + args + ", message, sizeof *message, timestamp_ns, message_index);");
        function(w, """
            /* Sender: 1 when its last message is answered (or none is pending), *code set: 0 done, 1 or more the
             * consumer's error code, SHMTEL_MAILBOX_CODE_CONSUMER_DIED; 0 while it waits in the box or is held. */
            """,
                "static inline int " + fn + "_poll_answer(void *base, int32_t *code)",
                "return shmtel_mailbox_poll_answer_(" + args + ", code);");
        function(w, """
            /* Consumer: takes the message into *out. 1: taken, *message_index (and *timestamp_ns when not NULL) set;
             * answer it with %s_answer. 0: nothing to take (empty, or held by another consumer). */
            """.formatted(fn),
                "static inline int " + fn + "_take(void *base, " + type
                        + " *out, uint64_t *message_index, uint64_t *timestamp_ns)",
                "return shmtel_mailbox_take_(" + args + ", out, sizeof *out, message_index, timestamp_ns);");
        function(w, """
            /* Consumer: answers the message taken: code 0 done, 1 or more an error its sender reads back. SHMTEL_OK,
             * SHMTEL_ERR_NOT_HELD when it was answered for this process (taken for dead), or SHMTEL_ERR_ARGUMENT. */
            """,
                "static inline int " + fn + "_answer(void *base, uint64_t message_index, int32_t code)",
                "if (code < 0) return SHMTEL_ERR_ARGUMENT;",
                "return shmtel_mailbox_answer_(" + args + ", message_index, code);");
        function(w, """
            /* Anyone: answers SHMTEL_MAILBOX_CODE_CONSUMER_DIED for a message whose consumer died holding it, so the
             * mailbox works again (it is not delivered again). 1: recovered. Reads /proc: call it now and then
             * (Java ends: every %d ms) while the mailbox stays held. */
            """.formatted(TimeUnit.NANOSECONDS.toMillis(ProtocolConstants.MAILBOX_HOLDER_CHECK_NS)),
                "static inline int " + fn + "_recover(void *base)",
                "return shmtel_mailbox_recover_(" + args + ");");
    }

    /** A documented C function: the comment's lines, the signature, the body's lines, a blank line. */
    private static void function(SourceWriter w, String comment, String signature, String... body) {
        w.lines(comment);
        w.open(signature + " {");
        for (String line : body) {
            w.line(line);
        }
        w.close("}");
        w.line();
    }

    private static void publish(SourceWriter w, RecordLayout r, String type, String fn, String m) {
        w.line("/* Publishes *sample as the next sample of \"" + r.name() + "\" into the region mapped at base;");
        w.line(" * returns its sample index. Only the region's single writer may call this, one thread at a time per");
        w.line(" * record: guard it with a mutex when several threads publish this record (different records may be");
        w.line(" * published concurrently). It keeps no index of its own: it continues from the region's published");
        w.line(" * count, past any index a writer that died started. */");
        w.open("static inline uint64_t " + fn + "_publish(void *base, const " + type
                + " *sample, uint64_t timestamp_ns) {");
        w.line("char *block = (char *)base + " + m + "_BLOCK_OFFSET;");
        w.line("uint64_t *published = shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET);");
        w.line("uint64_t k = SHMTEL_LOAD_(published, RELAXED); /* single writer */");
        w.line("char *slot = block + SHMTEL_SLOTS_OFFSET + (size_t)(k & (" + m + "_DEPTH - 1)) "
                + "* " + m + "_SLOT_LENGTH;");
        w.line("uint64_t *seq = shmtel_u64_(slot, SHMTEL_SEQ_OFFSET);");
        w.open("if (SHMTEL_LOAD_(seq, RELAXED) >= 2 * k + 1) {");
        w.line("/* A writer that died started (or completed) index k, or more: resume past every index a slot shows");
        w.line(" * started (the takeover rule); never in steady state, where the slot holds index k - depth. */");
        w.line("k = shmtel_resume_index_(block, k, " + m + "_DEPTH, " + m + "_SLOT_LENGTH);");
        w.line("slot = block + SHMTEL_SLOTS_OFFSET + (size_t)(k & (" + m + "_DEPTH - 1)) * " + m + "_SLOT_LENGTH;");
        w.line("seq = shmtel_u64_(slot, SHMTEL_SEQ_OFFSET);");
        w.close("}");
        w.line("SHMTEL_STORE_(seq, 2 * k + 1, RELAXED); /* slot busy */");
        w.line("SHMTEL_FENCE_(RELEASE); /* busy mark before any payload store */");
        w.line("memcpy(slot + SHMTEL_TIMESTAMP_OFFSET, &timestamp_ns, sizeof timestamp_ns);");
        w.line("memcpy(slot + SHMTEL_PAYLOAD_OFFSET, sample, sizeof *sample);");
        w.line("SHMTEL_STORE_(seq, 2 * k + 2, RELEASE); /* payload complete */");
        w.line("SHMTEL_STORE_(published, k + 1, RELEASE); /* newest sample is k */");
        w.line("shmtel_wake_sleepers(base, " + m + "_BLOCK_OFFSET); /* readers asleep on this record */");
        w.line("return k;");
        w.close("}");
        w.line();
    }

    private static void readLatest(SourceWriter w, RecordLayout r, String type, String fn, String m) {
        w.line("/* Copies the newest complete sample of \"" + r.name() + "\" into *out. Returns 1 (and sets");
        w.line(" * *sample_index and *timestamp_ns when not NULL), 0 when nothing was published yet, or -1");
        w.line(" * when the writer overwrote the newest slot during every attempt. */");
        w.open("static inline int " + fn + "_read_latest(const void *base, " + type
                + " *out, uint64_t *sample_index, uint64_t *timestamp_ns) {");
        w.line("const char *block = (const char *)base + " + m + "_BLOCK_OFFSET;");
        w.open("for (int attempt = 0; attempt < SHMTEL_MAX_LATEST_ATTEMPTS; attempt++) {");
        w.line("uint64_t published = SHMTEL_LOAD_(shmtel_u64_(block, SHMTEL_PUBLISHED_OFFSET), "
                + "ACQUIRE);");
        w.line("uint64_t k, s0, s1, ts;");
        w.line("const char *slot;");
        w.line("if (published == 0) return 0;");
        w.line("k = published - 1;");
        w.line("slot = block + SHMTEL_SLOTS_OFFSET + (size_t)(k & (" + m + "_DEPTH - 1)) * " + m + "_SLOT_LENGTH;");
        w.line("s0 = SHMTEL_LOAD_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), ACQUIRE);");
        w.line("if (s0 != 2 * k + 2) continue; /* overwritten or being written: look again */");
        w.line("memcpy(&ts, slot + SHMTEL_TIMESTAMP_OFFSET, sizeof ts);");
        w.line("memcpy(out, slot + SHMTEL_PAYLOAD_OFFSET, sizeof *out);");
        w.line("SHMTEL_FENCE_(ACQUIRE); /* copy before the second seq load */");
        w.line("s1 = SHMTEL_LOAD_(shmtel_u64_(slot, SHMTEL_SEQ_OFFSET), RELAXED);");
        w.line("if (s1 != s0) continue; /* torn: the writer reused the slot during the copy */");
        w.line("if (sample_index) *sample_index = k;");
        w.line("if (timestamp_ns) *timestamp_ns = ts;");
        w.line("return 1;");
        w.close("}");
        w.line("return -1;");
        w.close("}");
    }

    private static void readNext(SourceWriter w, RecordLayout r, String type, String fn, String m) {
        function(w, """
            /* Reads the stream of "%s" in order: copies sample *cursor (or the next one still to be had) into *out.
             * 1: delivered, *cursor moved past it (and *sample_index, *timestamp_ns set when not NULL); 0: nothing
             * new yet; -1: the writer overwrote the slot during every attempt (call again). Samples the writer
             * overwrote before they were read, and indexes a writer that died never completed, are skipped and
             * added to *lost (when not NULL). Start with *cursor = 0 (every sample: those no longer in the ring count
             * as lost) or with the published count (only new samples). */
            """.formatted(r.name()),
                "static inline int " + fn + "_read_next(const void *base, uint64_t *cursor, " + type
                        + " *out, uint64_t *sample_index, uint64_t *timestamp_ns, uint64_t *lost)",
                "return shmtel_read_next_(base, " + m + "_BLOCK_OFFSET, " + m + "_DEPTH, " + m + "_SLOT_LENGTH,",
                "                         cursor, out, sizeof *out, sample_index, timestamp_ns, lost);");
    }

    private static void waitFor(SourceWriter w, RecordLayout r, String fn, String m) {
        w.lines("""
            /* Sleeps until "%s"'s published count differs from seen_published (a new %s): 1 when it
             * does (at once or after sleeping), 0 after timeout_ns or, earlier, when during the wait the writer closed
             * the region or its heartbeat went stale (killed, stopped, replaced: look at shmtel_region_state),
             * SHMTEL_ERR_SYSTEM when the futex call fails (errno). Each sleep lasts at most the liveness period
             * (heartbeat period x 5). base: the region's mapping; sleepers: a writable shared mapping of the same
             * file (the writer wakes only the readers registered there), or NULL to poll every 1 ms at most (as on a
             * format 1.0 region, whose writers wake nobody). */
            """.formatted(r.name(), r.isMailbox() ? "message" : "sample"));
        w.open("static inline int " + fn + "_wait(const void *base, void *sleepers, uint64_t seen_published, "
                + "uint64_t timeout_ns) {");
        w.line("return shmtel_wait_(base, sleepers, " + m + "_BLOCK_OFFSET, seen_published, timeout_ns);");
        w.close("}");
    }
}
