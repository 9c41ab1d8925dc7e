package io.flashgate.benchmarks;

import io.flashgate.protocol.WireFormat;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;

/**
 * Heap the business logic needs per buyer: one sale, N distinct buyers (default 1 M) with one
 * order each, measured as live heap after a full GC, before and after, with tables not presized
 * (the worst case: they grow by doubling).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.flashgate.benchmarks.MemoryPerBuyer [buyers]</pre>
 */
public final class MemoryPerBuyer
{
    private MemoryPerBuyer()
    {
    }

    public static void main(final String[] args)
    {
        final int buyers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final PurchaseCommands commands = new PurchaseCommands("flash", buyers, 1);
        final long before = liveHeap();
        final BusinessLogic logic = new BusinessLogic();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new CommandEncoder().wrap(scratch, 0)
            .createSale(1, 0, "flash", buyers, 1, 0, Long.MAX_VALUE / 2, 600);
        logic.onCommand(scratch, 0, length, (b, o, l) -> { });
        for (int i = 0; i < buyers; i++)
        {
            logic.onCommand(commands.buffer, commands.offsets[i], commands.lengths[i], (b, o, l) -> { });
        }
        final long after = liveHeap();
        if (logic.orderCount() != buyers)
        {
            throw new IllegalStateException("expected " + buyers + " orders, got " + logic.orderCount());
        }
        System.out.printf("%,d buyers, one order each (ids like user-123456, keys key-0000): " +
                "live heap %,d bytes/buyer; engine tables %,d bytes/buyer%n",
            buyers, (after - before) / buyers, logic.footprintBytes() / buyers);
        System.out.println(logic.saleFigures("flash"));
    }

    private static long liveHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
