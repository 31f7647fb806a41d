package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void aRecordIsOneLineOfTimeLevelSourceAndMessage() {
        LogRecord r = new LogRecord(Level.INFO, "driver sim-arm publishing demo.arm/joint_state at 500.0 Hz");
        r.setLoggerName("io.shmtel.sensors");
        assertThat(new LogFormat().format(r)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO sensors: "
                + "driver sim-arm publishing demo\\.arm/joint_state at 500\\.0 Hz" + System.lineSeparator());
    }

    @Test
    void lineBreaksAndExceptionsStayOnTheLine() {
        LogRecord r = new LogRecord(Level.WARNING, "subscriber s: action failed:\nfirst\r\nsecond\n");
        r.setLoggerName("com.example.plant");
        r.setThrown(new UncheckedIOException("read failed", new IOException("disk gone\nreally")));
        String line = new LogFormat().format(r);
        assertThat(line.lines()).hasSize(1);
        assertThat(line).endsWith(" WARNING com.example.plant: subscriber s: action failed: | first | second"
                + " (java.io.UncheckedIOException: read failed; caused by java.io.IOException: disk gone | really)"
                + System.lineSeparator());
    }
}
