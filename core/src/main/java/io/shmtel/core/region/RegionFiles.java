package io.shmtel.core.region;

import io.shmtel.core.nativeio.Posix;
import io.shmtel.core.nativeio.Posix.FileStat;
import io.shmtel.core.nativeio.Posix.PosixException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The system calls on one region file's descriptor that opening ({@link RegionOpening}), creation
 * ({@link RegionCreation}), takeover ({@link RegionTakeover}) and removal ({@link RegionRemoval})
 * share: mapping it, fstat, the writer's lock, whether the name still refers to it, and the
 * exception a failed call becomes.
 */
final class RegionFiles {
    /** Permission bits that let group or others write a file ({@code S_IWGRP | S_IWOTH}). */
    static final int GROUP_OR_OTHERS_WRITE = 0022;

    /** The shift of the high half of an encoded {@code dev_t}'s major number. */
    private static final int DEV_HIGH_SHIFT = 32;
    /** The shift of the low bits of an encoded {@code dev_t}'s major number. */
    private static final int DEV_MAJOR_LOW_SHIFT = 8;
    /** The shift of the high bits of an encoded {@code dev_t}'s minor number. */
    private static final int DEV_MINOR_HIGH_SHIFT = 12;

    private RegionFiles() {
    }

    /** Maps {@code size} bytes of the file that {@code fd} holds, little-endian; read-only unless {@code writable}. */
    static ByteBuffer map(String name, int fd, long size, boolean writable) {
        // Through /proc/self/fd: the very file the descriptor holds, whatever the name points to now.
        Path self = Path.of("/proc/self/fd", Integer.toString(fd));
        try (FileChannel channel = writable
                ? FileChannel.open(self, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(self, StandardOpenOption.READ)) {
            return channel.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, size)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new RegionIoException("region \"" + name + "\": cannot map " + size + " bytes: " + e, e);
        }
    }

    static FileStat fstat(String name, int fd) {
        try {
            return Posix.fstat(fd);
        } catch (PosixException e) {
            throw ioError(name, e);
        }
    }

    /** Takes the writer's exclusive lock on {@code fd} if nobody holds a lock on it; true when taken. */
    static boolean tryLock(String name, int fd) {
        try {
            return Posix.tryLockExclusive(fd);
        } catch (PosixException e) {
            throw ioError(name, e);
        }
    }

    /** True when some process holds an exclusive (a writer's) lock on {@code fd}'s file. */
    static boolean isExclusiveLockHeld(String name, int fd) {
        try {
            return Posix.isExclusiveLockHeld(fd);
        } catch (PosixException e) {
            throw ioError(name, e);
        }
    }

    /** True when {@code file} (not followed if a link) is the file described by {@code stat}. */
    static boolean namesFile(Path file, FileStat stat) {
        try {
            Object inode = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            Object device = Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            return ((Long) inode) == stat.inode() && sameDevice((Long) device, stat);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameDevice(long dev, FileStat stat) {
        // unix:dev is the kernel's encoded dev_t; statx gives major and minor: compare through the encoding.
        long major = ((dev >>> DEV_HIGH_SHIFT) & 0xFFFF_F000L) | ((dev >>> DEV_MAJOR_LOW_SHIFT) & 0xFFFL);
        long minor = ((dev >>> DEV_MINOR_HIGH_SHIFT) & 0xFFFF_FF00L) | (dev & 0xFFL);
        return ((major << DEV_HIGH_SHIFT) | minor) == stat.device();
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort on a failure path; the caller's error says what went wrong
        }
    }

    /** A failed system call on region {@code name}'s file: "region "NAME": what failed". */
    static RegionIoException ioError(String name, PosixException e) {
        return new RegionIoException("region \"" + name + "\": " + e.getMessage(), e);
    }
}
