package io.flashgate.journal;

import java.nio.file.Path;

/**
 * The first problem a scan met.
 *
 * @param segment  the segment file it is in.
 * @param offset   byte offset in that file.
 * @param reason   what is wrong there.
 * @param tornTail true if it is a torn tail (recoverable by cutting), false if it is corruption.
 */
public record ScanProblem(Path segment, long offset, String reason, boolean tornTail)
{
    /** @return one line naming segment, offset, kind and reason. */
    public String describe()
    {
        return (tornTail ? "torn tail" : "corruption") + " in " + segment + " at offset " + offset + ": " + reason;
    }
}
