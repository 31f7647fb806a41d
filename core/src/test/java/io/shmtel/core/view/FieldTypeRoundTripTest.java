package io.shmtel.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every field type through the dynamic writer and view: a record with one scalar and one array of the
 * type is written (from numbers and from command-line text), published, read back and compared; the
 * type's range bounds from the {@link FieldType} table are accepted and the values just past them
 * refused; the counter pattern holds for each type.
 */
class FieldTypeRoundTripTest {
    static final int STRING_LENGTH = 8;
    static final int ARRAY_COUNT = 3;
    /** Counter values below this differ from their successor in every type (f32 holds 24 bits exactly). */
    static final long DISTINCT_IN_EVERY_TYPE = 1 << 24;

    /** A publisher and a reader of one record {@code r} with field {@code x} (scalar) and {@code xs} (array). */
    static final class Rig {
        final RecordLayout record;
        final ByteBuffer region;
        final DynamicWriter writer;

        Rig(FieldType t) {
            String scalar = "{\"name\":\"x\",\"type\":\"" + t.schemaName() + "\""
                    + (t == FieldType.STRING ? ",\"length\":" + STRING_LENGTH : "") + "}";
            String array = t == FieldType.STRING ? ""
                    : ",{\"name\":\"xs\",\"type\":\"" + t.schemaName() + "\",\"count\":" + ARRAY_COUNT + "}";
            Layout layout = LayoutCompiler.compile(SchemaParser.parse("{\"schema\":\"s\",\"version\":1,\"records\":"
                    + "[{\"name\":\"r\",\"fields\":[" + scalar + array + "]}]}", t.schemaName() + ".json"));
            record = layout.records().get(0);
            region = ByteBuffer.allocateDirect((int) layout.regionLength()).order(ByteOrder.LITTLE_ENDIAN);
            writer = new DynamicWriter(new RingWriter(region, RingGeometry.of(record)), record);
        }

        /** Publishes the writer's staging payload and returns a view of it as a reader sees it. */
        DynamicView publishAndRead() {
            writer.commit();
            ByteBuffer slot = ByteBuffer.allocate(record.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new RingReader(region, RingGeometry.of(record)).readLatest(slot)).isNotNegative();
            return new DynamicView(record).wrap(slot, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void valuesRoundTripAsScalarAndArray(FieldType t) {
        Rig rig = new Rig(t);
        FieldLayout x = rig.writer.field("x");
        switch (t.kind()) {
            case TEXT -> {
                rig.writer.set("x", "héllo");
                assertThat(rig.publishAndRead().value("x")).isEqualTo("héllo");
                return;
            }
            case BOOLEAN -> {
                rig.writer.set("x", "true");
                assertThat(rig.publishAndRead().value("x")).isEqualTo(true);
            }
            case FLOAT -> {
                rig.writer.setDouble(x, 0, -1.5);
                assertThat(rig.publishAndRead().value("x")).isEqualTo(-1.5);
            }
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> {
                rig.writer.setLong(x, 0, t.maxValue());
                assertThat(rig.publishAndRead().value("x")).isEqualTo(t.maxValue());
            }
        }
        FieldLayout xs = rig.writer.field("xs");
        for (int i = 0; i < ARRAY_COUNT; i++) {
            rig.writer.setLong(xs, i, i % 2);
        }
        DynamicView view = rig.publishAndRead();
        for (int i = 0; i < ARRAY_COUNT; i++) {
            assertThat(view.integer(xs, i)).as("xs[%d]", i).isEqualTo(i % 2);
            assertThat(view.number(xs, i)).as("xs[%d]", i).isEqualTo(i % 2);
        }
        assertThat((List<?>) view.value("xs")).hasSize(ARRAY_COUNT);
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void rangeBoundsAreAcceptedAndTheValuesPastThemRefused(FieldType t) {
        Rig rig = new Rig(t);
        FieldLayout x = rig.writer.field("x");
        switch (t.kind()) {
            case SIGNED_INTEGER, UNSIGNED_INTEGER -> {
                for (long bound : List.of(t.minValue(), t.maxValue())) {
                    rig.writer.set("x", Long.toString(bound));
                    assertThat(rig.publishAndRead().integer(x, 0)).isEqualTo(bound);
                }
                String range = "is out of range [" + t.minValue() + ", " + t.maxValue() + "]";
                BigInteger below = BigInteger.valueOf(t.minValue()).subtract(BigInteger.ONE);
                BigInteger above = BigInteger.valueOf(t.maxValue()).add(BigInteger.ONE);
                for (BigInteger past : List.of(below, above)) {
                    assertThatThrownBy(() -> rig.writer.set("x", past.toString()))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(range);
                }
            }
            case FLOAT -> {
                rig.writer.set("x", Double.toString(t.maxFiniteMagnitude()));
                assertThat(rig.publishAndRead().number(x, 0)).isEqualTo(t.maxFiniteMagnitude());
                rig.writer.set("x", "NaN");
                assertThat(rig.publishAndRead().number(x, 0)).isNaN();
                String twiceTheLargest = new BigDecimal(t.maxFiniteMagnitude()).multiply(BigDecimal.valueOf(2))
                        .toString();
                assertThatThrownBy(() -> rig.writer.set("x", twiceTheLargest))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
            }
            case BOOLEAN -> {
                rig.writer.set("x", "1");
                assertThat(rig.publishAndRead().integer(x, 0)).isEqualTo(t.maxValue());
                assertThatThrownBy(() -> rig.writer.set("x", "2")).isInstanceOf(IllegalArgumentException.class);
            }
            case TEXT -> assertThatThrownBy(() -> rig.writer.setLong(x, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a string");
        }
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void counterPatternHoldsForTheType(FieldType t) {
        Rig rig = new Rig(t);
        for (long k : List.of(0L, 1L, 255L, 256L, 70_000L, 5_000_000_000L)) {
            CounterPattern.fill(rig.writer, k);
            DynamicView view = rig.publishAndRead();
            assertThat(CounterPattern.check(view, k)).as("k=%d", k).isTrue();
            if (k < DISTINCT_IN_EVERY_TYPE) {
                assertThat(CounterPattern.check(view, k + 1)).as("k+1=%d", k + 1).isFalse();
            }
        }
    }
}
