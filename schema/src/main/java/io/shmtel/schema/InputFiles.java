package io.shmtel.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads input files (schemas, deployment files, MCAP recordings) with a bound: only a regular file
 * of at most a given size is read, and never more than that many bytes (a file growing while it is
 * read included), so {@code /dev/zero} or a huge file ends in a clear error, not an OutOfMemoryError.
 */
public final class InputFiles {
    /** The largest schema or deployment file read: 16 MiB. */
    public static final int MAX_TEXT_BYTES = 16 << 20;

    /** A file that cannot be read; {@link #reason()} says why, without the path. */
    public static final class UnreadableFileException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path file;
        private final String reason;

        public UnreadableFileException(Path file, String reason, Throwable cause) {
            super(file + ": " + reason, cause);
            this.file = file;
            this.reason = reason;
        }

        public Path file() {
            return file;
        }

        /** Why, for a message that names the file itself (e.g. {@code file:1:1: /: reason}). */
        public String reason() {
            return reason;
        }
    }

    private InputFiles() {}

    /**
     * Reads all of {@code file}, a regular file of at most {@code maxBytes} bytes.
     *
     * @throws UnreadableFileException the file is missing, a directory, not a regular file (a device,
     *     pipe or socket), larger than {@code maxBytes}, or cannot be read; the message says which
     */
    public static byte[] read(Path file, int maxBytes) throws UnreadableFileException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (attributes.isDirectory()) {
            throw new UnreadableFileException(file, "is a directory, not a file", null);
        }
        if (!attributes.isRegularFile()) {
            throw new UnreadableFileException(file,
                    "not a regular file (a device, pipe or socket): give a regular file",
                    null);
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(file, attributes.size() + " bytes", maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            int size = (int) attributes.size();
            byte[] bytes = new byte[size];
            int n = in.readNBytes(bytes, 0, size);
            if (n < size) { // it shrank since
                return Arrays.copyOf(bytes, n);
            }
            byte[] more = in.readNBytes(maxBytes - size); // it grew since (or reports no size, as /proc files)
            if (more.length > 0) {
                if (in.read() >= 0) {
                    throw tooLarge(file, "more than " + maxBytes + " bytes (it grew while being read)", maxBytes);
                }
                byte[] all = Arrays.copyOf(bytes, size + more.length);
                System.arraycopy(more, 0, all, size, more.length);
                return all;
            }
            return bytes;
        } catch (UnreadableFileException e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static UnreadableFileException tooLarge(Path file, String found, int maxBytes) {
        return new UnreadableFileException(file, "file too large: " + found + ", more than the limit of "
                + size(maxBytes), null);
    }

    /** A limit in words: 16 MiB, 1 GiB. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return bytes + " bytes";
    }

    /** The reason of an I/O error in words, for a message that names the file. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: check the path";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static UnreadableFileException unreadable(Path file, IOException e) {
        String reason = e instanceof NoSuchFileException || e instanceof AccessDeniedException ? reason(e)
                : "cannot read the file: " + reason(e);
        return new UnreadableFileException(file, reason, e);
    }
}
