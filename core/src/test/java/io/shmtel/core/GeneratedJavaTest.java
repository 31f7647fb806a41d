package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.FieldMeta;
import io.shmtel.core.view.RecordView;
import io.shmtel.core.view.SampleSink;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.Names;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.gen.GeneratedFile;
import io.shmtel.schema.gen.JavaGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import io.shmtel.schema.testing.Examples;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema → generate → compile in memory (with -Xlint:all -Werror) → exercise: every field of every
 * example is written through the generated writer, published through the seqlock ring, read back
 * through the generated view, and checked against the bytes at the layout's offsets.
 */
class GeneratedJavaTest {
    static final Path EXAMPLES = Examples.examplesDir();

    static Stream<Path> examples() {
        return Examples.examples();
    }

    /** The generated classes of one schema, loaded. */
    record Generated(Layout layout, String pkg, ClassLoader loader) {
        Class<?> load(String simpleName) throws ClassNotFoundException {
            return loader.loadClass(pkg + "." + simpleName);
        }
    }

    static Generated generate(Path schemaFile, String pkg, Map<String, String> extraSources) {
        Layout layout = LayoutCompiler.compile(SchemaParser.parse(schemaFile));
        Map<String, String> sources = new LinkedHashMap<>();
        for (GeneratedFile f : new JavaGenerator(layout, pkg).generate()) {
            sources.put(f.relativePath(), f.content());
        }
        sources.putAll(extraSources);
        ClassLoader loader = InMemoryJavaCompiler.compile(sources, RecordView.class, SlotDescriptor.class,
                SchemaParser.class);
        return new Generated(layout, pkg, loader);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyFieldRoundTripsThroughWriterRingAndView(Path schemaFile) throws Throwable {
        Generated g = generate(schemaFile, "test.gen." + schemaFile.getFileName().toString().replace(".json", ""),
                Map.of());
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (RecordLayout r : g.layout().records()) {
            RingGeometry geometry = RingGeometry.of(r);
            Class<?> writerClass = g.load(JavaGenerator.writerClassName(r));
            Class<?> viewClass = g.load(JavaGenerator.viewClassName(r));
            Object writer = writerClass.getConstructor(SampleSink.class).newInstance(new RingWriter(region, geometry));
            RingReader reader = new RingReader(region, geometry);
            ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            RecordView view = (RecordView) viewClass.getConstructor().newInstance();

            for (int round = 0; round < 3; round++) {
                for (FieldLayout f : r.fields()) {
                    for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                        set(writerClass, writer, f, i, value(f, i, round));
                    }
                }
                long k = (long) writerClass.getMethod("commit", long.class).invoke(writer, 5_000L + round);
                assertThat(k).isEqualTo(round);
                assertThat(reader.readLatest(snapshot)).isEqualTo(round);
                viewClass.getMethod("wrap", ByteBuffer.class, int.class).invoke(view, snapshot, 0);
                assertThat(view.sampleIndex()).isEqualTo(round);
                assertThat(view.timestampNs()).isEqualTo(5_000L + round);
                for (FieldLayout f : r.fields()) {
                    for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                        Object expected = value(f, i, round);
                        assertThat(get(viewClass, view, f, i)).as("%s.%s[%d] via view", r.name(), f.name(), i)
                                .isEqualTo(expected);
                        assertThat(raw(snapshot, f, i)).as("%s.%s[%d] at layout offset %d", r.name(), f.name(), i,
                                f.offset()).isEqualTo(expected);
                    }
                }
                assertThat(view.toString()).startsWith(r.name() + "{sample=" + round + ", timestampNs="
                        + (5_000 + round));
            }
            @SuppressWarnings("unchecked")
            List<FieldMeta> metas = (List<FieldMeta>) viewClass.getField("FIELDS").get(null);
            assertThat(metas).extracting(FieldMeta::name, FieldMeta::offset, FieldMeta::sizeBytes, FieldMeta::unit)
                    .containsExactlyElementsOf(r.fields().stream().map(f -> Tuple.tuple(
                            f.name(), f.offset(), f.sizeBytes(), f.unit())).toList());
            assertThat(viewClass.getField("FINGERPRINT").getLong(null)).isEqualTo(r.fingerprint());
            assertThat(viewClass.getField("SLOT_LENGTH").getInt(null)).isEqualTo(r.slotLength());
        }
        Class<?> schemaClass = g.load(JavaGenerator.schemaClassName(g.layout()));
        assertThat(schemaClass.getField("CANONICAL_JSON").get(null)).isEqualTo(g.layout().canonicalJson());
        assertThat(schemaClass.getField("FINGERPRINT").getLong(null)).isEqualTo(g.layout().fingerprint());
    }

    /**
     * Bulk accessors: every numeric and bool array field of every example is set from a Java array
     * (whole, then a part from an offset), published, and copied back into a caller's array (whole,
     * and a part at an offset), agreeing with the element accessors and the bytes at the layout's offsets.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void bulkArrayAccessorsCopyWholeArraysAndPartsWithOffsets(Path schemaFile) throws Throwable {
        Generated g = generate(schemaFile, "test.gen.bulk." + schemaFile.getFileName().toString().replace(".json", ""),
                Map.of());
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int arrays = 0;
        for (RecordLayout r : g.layout().records()) {
            RingGeometry geometry = RingGeometry.of(r);
            Class<?> writerClass = g.load(JavaGenerator.writerClassName(r));
            Class<?> viewClass = g.load(JavaGenerator.viewClassName(r));
            Object writer = writerClass.getConstructor(SampleSink.class).newInstance(new RingWriter(region, geometry));
            RingReader reader = new RingReader(region, geometry);
            ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            RecordView view = (RecordView) viewClass.getConstructor().newInstance();
            List<FieldLayout> bulk = r.fields().stream()
                    .filter(f -> f.isArray() && !f.isEnum() && f.type() != FieldType.STRING).toList();
            if (bulk.isEmpty()) {
                continue;
            }
            for (int round = 0; round < 2; round++) {
                for (FieldLayout f : bulk) {
                    Class<?> arrayType = Array.newInstance(javaType(f), 0).getClass();
                    String m = Names.camelCase(f.name());
                    Object src = Array.newInstance(javaType(f), f.count() + 3);
                    for (int i = 0; i < f.count(); i++) {
                        Array.set(src, i, value(f, i, round));
                    }
                    assertThat(invoke(writerClass.getMethod(m, arrayType), writer, src)).isSameAs(writer);
                    if (round == 1) { // then the first count-1 elements again, from offset 3 of another array
                        Object shifted = Array.newInstance(javaType(f), f.count() + 3);
                        for (int i = 0; i < f.count() - 1; i++) {
                            Array.set(shifted, 3 + i, value(f, i, 0));
                        }
                        invoke(writerClass.getMethod(m, arrayType, int.class, int.class), writer, shifted, 3,
                                f.count() - 1);
                    }
                }
                writerClass.getMethod("commit").invoke(writer);
                reader.readLatest(snapshot);
                viewClass.getMethod("wrap", ByteBuffer.class, int.class).invoke(view, snapshot, 0);
                for (FieldLayout f : bulk) {
                    Class<?> arrayType = Array.newInstance(javaType(f), 0).getClass();
                    String m = Names.camelCase(f.name());
                    Object dst = Array.newInstance(javaType(f), f.count());
                    assertThat(invoke(viewClass.getMethod(m, arrayType), view, dst)).isSameAs(dst);
                    Object part = Array.newInstance(javaType(f), f.count() + 2);
                    invoke(viewClass.getMethod(m, arrayType, int.class, int.class), view, part, 2, f.count());
                    for (int i = 0; i < f.count(); i++) {
                        // round 1 rewrote all but the last element with round 0's values
                        Object expected = value(f, i, round == 1 && i < f.count() - 1 ? 0 : round);
                        assertThat(Array.get(dst, i)).as("%s.%s[%d] bulk", r.name(), f.name(), i)
                                .isEqualTo(expected).isEqualTo(get(viewClass, view, f, i))
                                        .isEqualTo(raw(snapshot, f, i));
                        assertThat(Array.get(part, 2 + i)).isEqualTo(expected);
                    }
                    arrays++;
                }
            }
            FieldLayout f = bulk.get(0);
            Class<?> arrayType = Array.newInstance(javaType(f), 0).getClass();
            Object shortArray = Array.newInstance(javaType(f), f.count() - 1);
            assertThatThrownBy(() -> invoke(writerClass.getMethod(Names.camelCase(f.name()), arrayType), writer,
                    shortArray))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> invoke(viewClass.getMethod(Names.camelCase(f.name()), arrayType, int.class,
                    int.class),
                    view, Array.newInstance(javaType(f), f.count()), 0, f.count() + 1))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        if (schemaFile.getFileName().toString().equals("all_types.json")) {
            assertThat(arrays).as("array fields checked in all_types.json").isGreaterThan(0);
        }
    }

    @Test
    void bulkSettersRefuseAnOutOfRangeElementBeforeStoringAny() throws Throwable {
        Generated g = generate(EXAMPLES.resolve("all_types.json"), "test.gen.bulkranges", Map.of());
        RecordLayout r = g.layout().record("every_type").orElseThrow();
        FieldLayout f = r.fields().stream().filter(x -> x.isArray() && (x.type() == FieldType.U8
                || x.type() == FieldType.U16 || x.type() == FieldType.U32)).findFirst()
                .orElseThrow(() -> new AssertionError("all_types.json has no unsigned array field"));
        Class<?> writerClass = g.load("EveryTypeWriter");
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        RingWriter ring = new RingWriter(region, RingGeometry.of(r));
        Object writer = writerClass.getConstructor(SampleSink.class).newInstance(ring);
        Class<?> arrayType = Array.newInstance(javaType(f), 0).getClass();
        Object bad = Array.newInstance(javaType(f), f.count());
        Array.set(bad, 0, value(f, 0, 0));
        Array.set(bad, f.count() - 1, javaType(f) == long.class ? (Object) (-1L) : (Object) (-1));
        assertThatThrownBy(() -> invoke(writerClass.getMethod(Names.camelCase(f.name()), arrayType), writer, bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("value out of range for "
                        + f.name()
                        + ": value=-1");
        writerClass.getMethod("commit").invoke(writer);
        ByteBuffer snapshot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        new RingReader(region, RingGeometry.of(r)).readLatest(snapshot);
        assertThat(raw(snapshot, f, 0)).as("element 0 was not stored").isNotEqualTo(value(f, 0, 0));
    }

    @Test
    void theSchemaClassCompilesItsEmbeddedSchemaOnceIntoTheSameLayout() throws Throwable {
        Generated g = generate(EXAMPLES.resolve("arm.json"), "test.gen.layout", Map.of());
        Class<?> schemaClass = g.load(JavaGenerator.schemaClassName(g.layout()));
        Layout first = (Layout) invoke(schemaClass.getMethod("layout"), null);
        assertThat(first.fingerprint()).isEqualTo(g.layout().fingerprint());
        assertThat(first.canonicalJson()).isEqualTo(g.layout().canonicalJson());
        assertThat(first.records()).extracting(RecordLayout::name).containsExactly("joint_state");
        assertThat(invoke(schemaClass.getMethod("layout"), null)).as("cached").isSameAs(first);
    }

    @Test
    void settersRefuseOutOfRangeValuesAndIndicesWithTheValuesInTheMessage() throws Exception {
        Generated g = generate(EXAMPLES.resolve("all_types.json"), "test.gen.ranges", Map.of());
        RecordLayout r = g.layout().record("every_type").orElseThrow();
        Class<?> writerClass = g.load("EveryTypeWriter");
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()));
        Object writer = writerClass.getConstructor(SampleSink.class)
                .newInstance(new RingWriter(region, RingGeometry.of(r)));
        assertThatThrownBy(() -> invoke(writerClass.getMethod("octet", int.class), writer, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("value out of range for octet: value=256 "
                        + "range=[0, 255]");
        assertThatThrownBy(() -> invoke(writerClass.getMethod("mask", long.class), writer, -1L))
                .hasMessage("value out of range for mask: value=-1 range=[0, 4294967295]");
        assertThatThrownBy(() -> invoke(writerClass.getMethod("doubles", int.class, double.class), writer, 2, 1.0))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("Index 2 out of bounds for length "
                        + "2");
        assertThatThrownBy(() -> invoke(writerClass.getMethod("label", CharSequence.class), writer, "ünïcödé-label"))
                .hasMessage("text does not fit field label: needs 17 UTF-8 bytes, capacity=12");
    }

    @Test
    void unsetFieldsKeepTheirValueAndUnknownEnumValuesStayReadable() throws Throwable {
        Generated g = generate(EXAMPLES.resolve("arm.json"), "test.gen.arm", Map.of());
        RecordLayout r = g.layout().record("joint_state").orElseThrow();
        ByteBuffer region = ByteBuffer.allocateDirect(Math.toIntExact(g.layout().regionLength()));
        Class<?> writerClass = g.load("JointStateWriter");
        Class<?> viewClass = g.load("JointStateView");
        Object writer = writerClass.getConstructor(SampleSink.class)
                .newInstance(new RingWriter(region, RingGeometry.of(r)));
        invoke(writerClass.getMethod("frameId", CharSequence.class), writer, "wrist");
        invoke(writerClass.getMethod("statusRaw", int.class), writer, 77);
        invoke(writerClass.getMethod("commit"), writer);
        invoke(writerClass.getMethod("position", int.class, double.class), writer, 0, 1.25);
        invoke(writerClass.getMethod("commit"), writer);
        ByteBuffer snapshot = ByteBuffer.allocate(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new RingReader(region, RingGeometry.of(r)).readLatest(snapshot)).isEqualTo(1);
        Object view = viewClass.getConstructor().newInstance();
        invoke(viewClass.getMethod("wrap", ByteBuffer.class, int.class), view, snapshot, 0);
        assertThat(invoke(viewClass.getMethod("frameId"), view)).isEqualTo("wrist");
        assertThat(invoke(viewClass.getMethod("position", int.class), view, 0)).isEqualTo(1.25);
        assertThat(invoke(viewClass.getMethod("status"), view)).isNull();
        assertThat(invoke(viewClass.getMethod("statusRaw"), view)).isEqualTo(77);
        assertThat(view.toString()).contains("status=77", "frame_id=\"wrist\"", "position=[1.25, 0.0");
        assertThatThrownBy(() -> invoke(viewClass.getMethod("wrap", ByteBuffer.class, int.class), view,
                ByteBuffer.allocate(r.slotLength()),
                        0)).hasMessage("views read little-endian buffers: order=BIG_ENDIAN");
    }

    static final String PROBE = """
            package test.gen.alloc;

            import io.shmtel.core.ring.RingGeometry;
            import io.shmtel.core.ring.RingReader;
            import io.shmtel.core.ring.RingWriter;
            import com.sun.management.ThreadMXBean;
            import java.lang.management.ManagementFactory;
            import java.nio.ByteBuffer;
            import java.nio.ByteOrder;
            import java.util.function.LongSupplier;

            /** Bytes this thread allocates over CYCLES publish + read + view cycles, measured after warm-up runs. */
            public final class AllocationProbe implements LongSupplier {
                public static final int CYCLES = 200_000;
                private final ByteBuffer region = ByteBuffer.allocateDirect((int) ArmSchema.REGION_LENGTH)
                        .order(ByteOrder.LITTLE_ENDIAN);
                private final RingGeometry geometry = new RingGeometry((int) JointStateView.BLOCK_OFFSET,
                        JointStateView.DEPTH, JointStateView.SLOT_LENGTH, JointStateView.PAYLOAD_LENGTH);
                private final JointStateWriter writer = new JointStateWriter(new RingWriter(region, geometry));
                private final RingReader reader = new RingReader(region, geometry);
                private final ByteBuffer snapshot = ByteBuffer.allocateDirect(JointStateView.SLOT_LENGTH)
                        .order(ByteOrder.LITTLE_ENDIAN);
                private final JointStateView view = new JointStateView();
                private final StringBuilder text = new StringBuilder(64);
                private final double[] efforts = new double[JointStateView.EFFORT_COUNT];
                private final double[] copied = new double[JointStateView.EFFORT_COUNT];
                private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
                public double sink;

                private void cycles(int count) {
                    for (int n = 0; n < count; n++) {
                        for (int j = 0; j < JointStateView.POSITION_COUNT; j++) {
                            writer.position(j, n + j).velocity(j, -n);
                            efforts[j] = j + n;
                        }
                        writer.effort(efforts).velocity(efforts, 1, 2); // bulk setters
                        sink += view.buffer() == null ? 0 : view.effort(copied)[1]; // bulk getter (last cycle's view)
                        writer.status(JointStateView.Status.FAULT).frameId("base_link");
                        writer.commit(n);
                        long k = reader.readLatest(snapshot);
                        view.wrap(snapshot, 0);
                        sink += view.position(5) + view.velocity(0) + view.statusRaw() + k + view.timestampNs();
                        if (view.status() == JointStateView.Status.FAULT) {
                            sink++;
                        }
                        text.setLength(0);
                        sink += view.frameId(text).length();
                    }
                }

                @Override
                public long getAsLong() {
                    for (int warm = 0; warm < 10; warm++) {
                        cycles(CYCLES / 10);
                    }
                    long least = Long.MAX_VALUE;
                    for (int run = 0; run < 3; run++) {
                        long before = threads.getCurrentThreadAllocatedBytes();
                        cycles(CYCLES);
                        least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
                    }
                    return least;
                }
            }
            """;

    static final String SUBSCRIBER_PROBE = """
            package test.gen.alloc2;

            import io.shmtel.core.Publisher;
            import io.shmtel.core.Subscriber;
            import io.shmtel.core.region.RegionOptions;
            import io.shmtel.schema.SchemaParser;
            import io.shmtel.schema.layout.Layout;
            import io.shmtel.schema.layout.LayoutCompiler;
            import com.sun.management.ThreadMXBean;
            import java.lang.management.ManagementFactory;
            import java.nio.file.Path;
            import java.util.function.LongSupplier;

            /** Bytes allocated over CYCLES of commit + Subscriber.latest + Subscriber.poll through real regions. */
            public final class SubscriberProbe implements LongSupplier {
                public static final int CYCLES = 200_000;
                public double sink;

                @Override
                public long getAsLong() {
                    Layout layout = LayoutCompiler.compile(SchemaParser.parse(ArmSchema.CANONICAL_JSON, "arm"));
                    RegionOptions options =
                            RegionOptions.defaults().withDirectory(Path.of(System.getProperty("probe.dir")));
                    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
                    try (Publisher publisher = Publisher.create("probe", layout, options);
                            Subscriber latest = Subscriber.open("probe", "joint_state", layout, options);
                            Subscriber stream = Subscriber.open("probe", "joint_state", layout, options)) {
                        JointStateWriter writer = new JointStateWriter(publisher.sink("joint_state"));
                        JointStateView a = new JointStateView();
                        JointStateView b = new JointStateView();
                        for (int warm = 0; warm < 10; warm++) {
                            cycles(writer, latest, stream, a, b, CYCLES / 10);
                        }
                        long least = Long.MAX_VALUE;
                        for (int run = 0; run < 3; run++) {
                            long before = threads.getCurrentThreadAllocatedBytes();
                            cycles(writer, latest, stream, a, b, CYCLES);
                            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
                        }
                        return least;
                    }
                }

                private void cycles(JointStateWriter writer, Subscriber latest, Subscriber stream, JointStateView a,
                        JointStateView b, int count) {
                    for (int n = 0; n < count; n++) {
                        writer.position(0, n).commit(n);
                        if (latest.latest(a)) {
                            sink += a.position(0);
                        }
                        if (stream.poll(b)) {
                            sink += b.position(0) + stream.lostSamples();
                        }
                    }
                }
            }
            """;

    @Test
    void subscriberReadsAllocateNothingInTheSteadyState() throws Exception {
        Path dir = ShmDirectory.create();
        try {
            System.setProperty("probe.dir", dir.toString());
            Generated g = generate(EXAMPLES.resolve("arm.json"), "test.gen.alloc2",
                    Map.of("test/gen/alloc2/SubscriberProbe.java", SUBSCRIBER_PROBE));
            LongSupplier probe = (LongSupplier) g.load("SubscriberProbe").getConstructor().newInstance();
            long allocated = probe.getAsLong();
            System.out.println("subscriber allocation probe: " + allocated + " bytes over 200000 commit + latest + poll"
                    + " cycles (least of 3 runs)");
            assertThat(allocated).as("bytes allocated by Subscriber.latest/poll and the writer").isZero();
        } finally {
            ShmDirectory.delete(dir);
        }
    }

    @Test
    void hotPathsAllocateNothingInTheSteadyState() throws Exception {
        Generated g = generate(EXAMPLES.resolve("arm.json"), "test.gen.alloc",
                Map.of("test/gen/alloc/AllocationProbe.java", PROBE));
        LongSupplier probe = (LongSupplier) g.load("AllocationProbe").getConstructor().newInstance();
        long allocated = probe.getAsLong();
        System.out.println("allocation probe: " + allocated + " bytes over 200000 write+commit+read+view cycles"
                + " (least of 3 runs)");
        assertThat(allocated).as("bytes allocated on the hot path").isZero();
    }

    // ------------------------------------------------------------------ reflection helpers

    static Object invoke(Method m, Object target, Object... args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static Class<?> javaType(FieldLayout f) {
        if (f.isEnum()) {
            return int.class;
        }
        return switch (f.type()) {
            case BOOL -> boolean.class;
            case I8 -> byte.class;
            case U8, U16, I32 -> int.class;
            case I16 -> short.class;
            case U32, I64 -> long.class;
            case F32 -> float.class;
            case F64 -> double.class;
            case STRING -> CharSequence.class;
        };
    }

    /** A test value per field, element and round: extremes of each type, so sign and width mistakes show. */
    static Object value(FieldLayout f, int i, int round) {
        if (f.isEnum()) {
            List<Integer> values = List.copyOf(f.enumConstants().values());
            return values.get((i + round) % values.size());
        }
        return switch (f.type()) {
            case BOOL -> (i + round) % 2 == 0;
            case I8 -> (byte) (-100 + i + round);
            case U8 -> 200 + i + round;
            case I16 -> (short) (-30_000 + i + round);
            case U16 -> 60_000 + i + round;
            case I32 -> -2_000_000_000 + i + round;
            case U32 -> 4_000_000_000L + i + round;
            case I64 -> Long.MIN_VALUE + 12_345 + i + round;
            case F32 -> 1.5f * (i + 1) + round;
            case F64 -> -2.25 * (i + 1) + round;
            case STRING -> ("é-" + round + "-" + f.name()).substring(0,
                    Math.min(f.length() - 2, 4 + f.name().length()));
        };
    }

    static void set(Class<?> writerClass, Object writer, FieldLayout f, int i, Object value) throws Throwable {
        String name = Names.camelCase(f.name()) + (f.isEnum() ? "Raw" : "");
        if (f.isArray()) {
            invoke(writerClass.getMethod(name, int.class, javaType(f)), writer, i, value);
        } else {
            invoke(writerClass.getMethod(name, javaType(f)), writer, value);
        }
    }

    static Object get(Class<?> viewClass, Object view, FieldLayout f, int i) throws Throwable {
        String name = Names.camelCase(f.name()) + (f.isEnum() ? "Raw" : "");
        if (f.isArray()) {
            return invoke(viewClass.getMethod(name, int.class), view, i);
        }
        return invoke(viewClass.getMethod(name), view);
    }

    /** Reads element {@code i} of a field straight from the slot image at the layout's offset. */
    static Object raw(ByteBuffer slot, FieldLayout f, int i) {
        int at = SlotDescriptor.PAYLOAD_OFFSET + f.offset() + i * f.type().sizeBytes();
        if (f.type() == FieldType.STRING) {
            byte[] bytes = new byte[f.length()];
            slot.get(at, bytes);
            int n = 0;
            while (n < bytes.length && bytes[n] != 0) {
                n++;
            }
            return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        return switch (f.type()) {
            case BOOL -> slot.get(at) != 0;
            case I8 -> slot.get(at);
            case U8 -> slot.get(at) & 0xFF;
            case I16 -> slot.getShort(at);
            case U16 -> slot.getShort(at) & 0xFFFF;
            case I32 -> slot.getInt(at);
            case U32 -> slot.getInt(at) & 0xFFFF_FFFFL;
            case I64 -> slot.getLong(at);
            case F32 -> slot.getFloat(at);
            case F64 -> slot.getDouble(at);
            case STRING -> throw new IllegalStateException();
        };
    }
}
