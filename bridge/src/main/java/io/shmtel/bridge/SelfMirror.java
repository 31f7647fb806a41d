package io.shmtel.bridge;

import io.shmtel.core.region.RegionOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells whether a mirror would be written over the very region its sender reads: a receiver on the
 * sender's host, in the same region directory, without a prefix. Taking that file over (its writer
 * closed or died, so nothing else stops it) would overwrite the source, and the sender, which follows
 * a replaced file, would forward the mirror's own samples back to it, round and round: both bridge
 * processes busy for ever. Found by the sender's label ({@code host:pid}): same host name, and that
 * process maps the file that the mirror's name stands for here ({@code /proc/PID/maps}).
 */
final class SelfMirror {
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");
    /** Fields of a /proc/PID/maps line: address, perms, offset, device, inode, path. */
    private static final int MAPS_FIELDS = 6;
    private static final int INODE_FIELD = 4;
    private static final int PATH_FIELD = 5;

    private SelfMirror() {}

    /**
     * Why region {@code name} cannot be mirrored here (one sentence naming the file, the sender and the
     * fix), or null when the sender {@code senderLabel} does not read that file.
     */
    static String refusal(String name, RegionOptions options, String senderLabel) {
        int colon = senderLabel == null ? -1 : senderLabel.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = senderLabel.substring(0, colon);
        String pid = senderLabel.substring(colon + 1);
        if (!pid.chars().allMatch(Character::isDigit) || pid.isEmpty() || !host.equals(localHost())) {
            return null;
        }
        Path file = options.regionDirectory().file(name);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            Path real = file.toRealPath();
            String inode = Files.getAttribute(real, "unix:ino").toString();
            if (!maps(Path.of("/proc", pid, "maps"), inode, real.toString())) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null; // the file went, or the process ended, or /proc is not readable: no loop seen
        }
        return "the file " + file + " is the source that sender " + senderLabel + " reads (it runs on this host,"
                + " in this region directory): a mirror there would overwrite its own source and be sent back"
                + " here round and round; give the receiver a --prefix (or another --dir)";
    }

    /** True when the maps file lists a mapping of the file with this inode at this path. */
    private static boolean maps(Path mapsFile, String inode, String path) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(mapsFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+", MAPS_FIELDS);
                if (f.length == MAPS_FIELDS && f[INODE_FIELD].equals(inode) && f[PATH_FIELD].equals(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** This host's name, as a sender puts it in its label. */
    static String localHost() {
        try {
            return Files.readString(HOSTNAME).trim();
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }
}
