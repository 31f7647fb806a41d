package io.shmtel.sensors.linux;

import io.shmtel.sensors.SensorUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading small /proc and /sys files, with missing ones turned into clear messages. */
final class ProcFiles {
    private ProcFiles() {}

    static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SensorUnavailableException(what + ": " + file + " does not exist (is this Linux, and is "
                    + file.getParent() + " mounted?)");
        } catch (IOException e) {
            throw new SensorUnavailableException(what + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The number in a sysfs attribute file, or NaN when it is missing or not a number. */
    static double number(Path file) {
        try {
            return Double.parseDouble(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }
}
