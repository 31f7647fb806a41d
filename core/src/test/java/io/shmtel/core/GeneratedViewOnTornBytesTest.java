package io.shmtel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.view.RecordView;
import io.shmtel.schema.Names;
import io.shmtel.schema.gen.JavaGenerator;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.testing.Examples;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an optimistic read may meet: a live slot whose bytes a writer is rewriting, so anything at all. Every
 * getter of every generated view of every example (called with valid arguments) must return on such bytes,
 * without an exception and without looping, since the reader's values are only checked afterwards: the
 * slot is filled with random bytes, and with the bytes most likely to trip a decoder (0xFF, lone UTF-8 lead
 * bytes, enum values out of range), and each getter called on it.
 */
class GeneratedViewOnTornBytesTest {
    /** RecordView's own methods and the generated ones that are not getters. */
    static final Set<String> NOT_GETTERS = Set.of("wrap", "recordFingerprint", "recordName", "payloadLength");
    static final int ROUNDS = 300;

    static Stream<Path> examples() {
        return Examples.examples();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyGetterReturnsOnAnyBytes(Path schemaFile) throws Throwable {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        GeneratedJavaTest.Generated g = GeneratedJavaTest.generate(schemaFile, "test.gen.torn."
                + schemaFile.getFileName().toString().replace(".json", ""), Map.of());
        int calls = 0;
        for (RecordLayout r : g.layout().records()) {
            Class<?> viewClass = g.load(JavaGenerator.viewClassName(r));
            RecordView view = (RecordView) viewClass.getConstructor().newInstance();
            ByteBuffer slot = ByteBuffer.allocateDirect(r.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
            view.wrap(slot, 0);
            List<Method> getters = getters(viewClass);
            assertThat(getters).as("getters of %s", viewClass.getSimpleName()).isNotEmpty();
            for (int round = 0; round < ROUNDS; round++) {
                fill(slot, random, round);
                for (Method m : getters) {
                    for (Object[] args : arguments(m, r)) {
                        try {
                            GeneratedJavaTest.invoke(m, view, args);
                        } catch (Throwable e) {
                            throw new AssertionError(viewClass.getSimpleName() + "." + m.getName() + " threw on torn"
                                    + " bytes (seed " + seed + ", round " + round + ")", e);
                        }
                        calls++;
                    }
                }
                assertThat(view.toString()).startsWith(r.name() + "{");
            }
        }
        System.out.printf("%s: %d getter calls on torn bytes (seed %d), none threw%n", schemaFile.getFileName(),
                calls, seed);
    }

    /** Random bytes, or one byte value everywhere (0xFF, 0xC3 a UTF-8 lead byte, 0x80 a continuation, 0x7F). */
    static void fill(ByteBuffer slot, SplittableRandom random, int round) {
        int[] constants = {0xFF, 0xC3, 0x80, 0x7F, 0xF0};
        for (int i = 0; i < slot.capacity(); i++) {
            int b = round < constants.length ? constants[round] : random.nextInt(256);
            slot.put(i, (byte) b);
        }
    }

    static List<Method> getters(Class<?> viewClass) {
        List<Method> getters = new ArrayList<>();
        for (Method m : viewClass.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (Modifier.isPublic(mod) && !Modifier.isStatic(mod) && !m.isSynthetic() && !m.isBridge()
                    && !NOT_GETTERS.contains(m.getName()) && !m.getName().equals("toString")) {
                getters.add(m);
            }
        }
        return getters;
    }

    /** The valid argument lists of a getter: each index, a whole array, a part, a StringBuilder. */
    static List<Object[]> arguments(Method m, RecordLayout r) {
        Class<?>[] types = m.getParameterTypes();
        if (types.length == 0) {
            return List.<Object[]>of(new Object[0]);
        }
        FieldLayout f = r.fields().stream().filter(x -> Names.camelCase(x.name()).equals(m.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("getter " + m + " names no field"));
        List<Object[]> lists = new ArrayList<>();
        if (types.length == 1 && types[0] == int.class) {
            for (int i = 0; i < f.count(); i++) {
                lists.add(new Object[] {i});
            }
        } else if (types.length == 1 && types[0] == StringBuilder.class) {
            lists.add(new Object[] {new StringBuilder()});
        } else if (types.length == 1 && types[0].isArray()) {
            lists.add(new Object[] {Array.newInstance(types[0].getComponentType(), f.count())});
        } else if (types.length == 3 && types[0].isArray() && types[1] == int.class && types[2] == int.class) {
            lists.add(new Object[] {Array.newInstance(types[0].getComponentType(), f.count()), 0, f.count()});
        } else {
            throw new AssertionError("a getter shape this test does not know: " + m + " (add its arguments here)");
        }
        return lists;
    }
}
