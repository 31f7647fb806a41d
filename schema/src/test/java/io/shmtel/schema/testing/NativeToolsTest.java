package io.shmtel.schema.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** The skip path of the native-tool gate: CI has every tool, so this is where the path without one is proven. */
class NativeToolsTest {
    @Test
    void aMissingToolSkipsWithTheReasonOrFailsWhenRequired(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String why = NativeTools.missing("g++", bin.toString());
        assertThat(why).isEqualTo("g++ is not on the PATH: this test runs it (Debian: apt-get install g++)");
        assertThat(NativeTools.missing("python3", null)).endsWith("(Debian: apt-get install python3)");
        Path tool = bin.resolve("g++");
        Files.writeString(tool, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(NativeTools.missing("g++", "/nonexistent:" + bin)).isNull();

        assertThatThrownBy(() -> NativeTools.skipOrFail(why, false)).isInstanceOf(TestAbortedException.class)
                .hasMessage(why);
        assertThatThrownBy(() -> NativeTools.skipOrFail(why, true)).isInstanceOf(AssertionError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessage("SHMTEL_REQUIRE_NATIVE_TESTS=1 but " + why);
        assertThatCode(() -> NativeTools.skipOrFail(null, true)).doesNotThrowAnyException();
    }
}
