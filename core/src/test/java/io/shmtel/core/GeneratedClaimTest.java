package io.shmtel.core;

import static io.shmtel.core.GeneratedJavaTest.generate;
import static io.shmtel.core.GeneratedJavaTest.raw;
import static io.shmtel.core.GeneratedJavaTest.set;
import static io.shmtel.core.GeneratedJavaTest.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.GeneratedJavaTest.Generated;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.JavaGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated writers' claim mode (issue 25, zero-copy): schema → generate → compile → exercise, for
 * every ring record of every example. Setters after {@code claim()} write straight into the ring's
 * slot (the staged payload is neither copied nor changed), {@code commit()} completes it.
 */
class GeneratedClaimTest {
    /** Every example with a ring record (a schema of mailboxes only has nothing to claim). */
    static Stream<Path> examples() {
        return GeneratedJavaTest.examples().filter(p -> !LayoutCompiler.compile(SchemaParser.parse(p)).records()
                .stream().allMatch(RecordLayout::isMailbox));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyFieldSetInClaimModeIsWrittenIntoTheSlotAndTheStagedPayloadStaysAsItWas(Path schemaFile)
            throws Throwable {
        Generated g = generate(schemaFile, "test.claim." + schemaFile.getFileName().toString().replace(".json", ""),
                Map.of());
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int rings = 0;
        for (RecordLayout r : g.layout().records()) {
            if (r.isMailbox()) {
                continue; // claims are refused for mailboxes (ClaimTest.aMailboxRecordRefusesClaimsWithTheWayToSend)
            }
            rings++;
            RingGeometry geometry = RingGeometry.of(r);
            Class<?> writerClass = g.load(JavaGenerator.writerClassName(r));
            Object writer = writerClass.getConstructor(SampleSink.class).newInstance(new RingWriter(region, geometry));
            RingReader reader = new RingReader(region, geometry);
            ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            setAll(writerClass, writer, r, 0); // staged
            assertThat(writerClass.getMethod("claim").invoke(writer)).as("claim() returns the writer").isSameAs(writer);
            setAll(writerClass, writer, r, 1); // into the slot
            assertThat(reader.readLatest(snapshot)).as("nothing complete before the commit")
                    .isEqualTo(RingReader.NONE);
            assertThat((long) writerClass.getMethod("commit", long.class).invoke(writer, 7L)).isZero();
            assertThat(reader.readLatest(snapshot)).isZero();
            assertThat(snapshot.getLong(SlotDescriptor.TIMESTAMP_OFFSET)).as("timestamp").isEqualTo(7);
            check(r, snapshot, 1, "claimed");
            assertThat((long) writerClass.getMethod("commit").invoke(writer)).isEqualTo(1);
            assertThat(reader.readLatest(snapshot)).isEqualTo(1);
            check(r, snapshot, 0, "staged before the claim, committed after it");
        }
        assertThat(rings).isPositive();
    }

    /** Fields named like the claim members compile (-Werror) and write where they should. */
    @Test
    void fieldsNamedLikeTheClaimMembersCompileAndAreWritten() throws Throwable {
        Path schema = Files.createTempFile("claim-names", ".json");
        try {
            Files.writeString(schema, "{\"schema\":\"names\",\"version\":1,\"records\":[{\"name\":\"r\",\"fields\":["
                    + "{\"name\":\"target\",\"type\":\"f64\"},{\"name\":\"base\",\"type\":\"i32\"},"
                    + "{\"name\":\"claim\",\"type\":\"i64\"},{\"name\":\"abort_claim\",\"type\":\"bool\"},"
                    + "{\"name\":\"is_claimed\",\"type\":\"u8\"},{\"name\":\"begin_claim\",\"type\":\"string\","
                    + "\"length\":8}]}]}");
            Generated g = generate(schema, "test.claim.names", Map.of());
            RecordLayout r = g.layout().records().get(0);
            ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            Class<?> writerClass = g.load(JavaGenerator.writerClassName(r));
            Object writer = writerClass.getConstructor(SampleSink.class)
                    .newInstance(new RingWriter(region, RingGeometry.of(r)));
            writerClass.getMethod("claim").invoke(writer);
            setAll(writerClass, writer, r, 2);
            writerClass.getMethod("commit").invoke(writer);
            ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new RingReader(region, RingGeometry.of(r)).readLatest(snapshot)).isZero();
            check(r, snapshot, 2, "claimed");
        } finally {
            Files.deleteIfExists(schema);
        }
    }

    static void setAll(Class<?> writerClass, Object writer, RecordLayout r, int round) throws Throwable {
        for (FieldLayout f : r.fields()) {
            for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                set(writerClass, writer, f, i, value(f, i, round));
            }
        }
    }

    static void check(RecordLayout r, ByteBuffer snapshot, int round, String what) {
        for (FieldLayout f : r.fields()) {
            for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                assertThat(raw(snapshot, f, i)).as("%s.%s[%d], %s", r.name(), f.name(), i, what)
                        .isEqualTo(value(f, i, round));
            }
        }
    }
}
