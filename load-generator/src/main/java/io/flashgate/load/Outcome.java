package io.flashgate.load;

/** What one request got, as a byte in the {@link Ledger}. */
public final class Outcome
{
    /** Not sent (or the run ended before it). */
    public static final byte NONE = 0;
    /** A new order: the engine sold a unit. */
    public static final byte ACCEPTED = 1;
    /** The original order again, for a re-sent Idempotency-Key. */
    public static final byte REPLAYED = 2;
    public static final byte SOLD_OUT = 3;
    public static final byte LIMIT_EXCEEDED = 4;
    /** Any other business rejection (should not happen in a benchmark run). */
    public static final byte REJECTED_OTHER = 5;
    /** Refused before it reached the engine or Redis (back-pressure, 503, 429): certainly not applied. */
    public static final byte REFUSED = 6;
    /** No answer in time, or the connection failed: it may or may not have been applied. */
    public static final byte UNKNOWN = 7;
    /** A successful answer to a request that is not a purchase (HTTP GET status, the bare endpoints). */
    public static final byte OK = 8;

    static final String[] NAMES = {"none", "accepted", "replayed", "sold-out", "limit", "rejected-other", "refused",
        "unknown", "ok"};

    private Outcome()
    {
    }

    public static boolean isOrder(final byte outcome)
    {
        return outcome == ACCEPTED || outcome == REPLAYED;
    }

    /** Answered by the system under test (an order or a business rejection): what the latency figures count. */
    public static boolean isAnswer(final byte outcome)
    {
        return (outcome >= ACCEPTED && outcome <= REJECTED_OTHER) || outcome == OK;
    }
}
