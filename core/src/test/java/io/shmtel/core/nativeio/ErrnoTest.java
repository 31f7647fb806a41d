package io.shmtel.core.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.testing.Gcc;
import io.shmtel.schema.testing.NativeTools;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every constant of {@link Errno} is the number this machine's C library gives its name in
 * {@code <errno.h>}: gcc compiles a program that prints them all.
 */
class ErrnoTest {
    static Map<String, Integer> constants() {
        return Arrays.stream(Errno.class.getDeclaredFields()).filter(f -> Modifier.isStatic(f.getModifiers()))
                .collect(Collectors.toMap(Field::getName, ErrnoTest::value, (a, b) -> a, TreeMap::new));
    }

    private static int value(Field f) {
        try {
            return f.getInt(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyConstantIsTheCLibrarysNumber(@TempDir Path dir) throws IOException, InterruptedException {
        NativeTools.require("gcc");
        Map<String, Integer> constants = constants();
        StringBuilder c = new StringBuilder("#include <errno.h>\n#include <stdio.h>\nint main(void) {\n");
        constants.keySet().forEach(name -> c.append("    printf(\"").append(name).append(" %d\\n\", ").append(name)
                .append(");\n"));
        c.append("    return 0;\n}\n");
        Path source = Files.writeString(dir.resolve("errno_values.c"), c);
        Path binary = Gcc.compile(dir, source, "errno_values", Gcc.STRICT_C11);
        Map<String, Integer> fromC = new TreeMap<>();
        for (String line : Gcc.run(List.of(binary.toString()), 30).split("\n")) {
            String[] nameAndValue = line.trim().split(" ");
            fromC.put(nameAndValue[0], Integer.parseInt(nameAndValue[1]));
        }
        assertThat(constants).hasSizeGreaterThan(1).isEqualTo(fromC);
    }
}
