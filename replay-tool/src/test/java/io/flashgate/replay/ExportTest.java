package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flashgate.protocol.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** export gives payment and fulfilment exactly the orders the live engine reported. */
@Timeout(60)
class ExportTest
{
    @TempDir
    Path temp;

    @Test
    void csvListsEveryOrderOfTheSaleAsTheEngineReportsIt() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("export", "--data-dir", data.toString(), "--sale", "flash");

        assertEquals(0, r.exit(), r.describe());
        final List<String> expected = new ArrayList<>();
        expected.add("orderId,saleId,userId,idempotencyKey,quantity,status,expiresAt");
        for (final Reply.Order o : w.flashOrders())
        {
            expected.add(o.orderId() + ",flash," + o.userId() + "," + w.keys().get(o.orderId()) + "," + o.quantity()
                + "," + o.status() + "," + Instant.ofEpochMilli(o.expiresAt()));
        }
        assertEquals(expected, r.lines(), r.describe());
        assertTrue(r.err().contains("replay-tool: export: " + w.flashOrders().size() + " order(s) of sale flash"),
            r.describe());
    }

    @Test
    void jsonLinesCarryTheSameFields() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("export", "--data-dir", data.toString(), "--sale", "flash", "--format",
            "jsonl");

        assertEquals(0, r.exit(), r.describe());
        assertEquals(w.flashOrders().size(), r.lines().size(), r.describe());
        final Reply.Order bob = w.flashOrders().get(1);
        assertEquals("{\"orderId\":" + bob.orderId() + ",\"saleId\":\"flash\",\"userId\":\"bob\",\"idempotencyKey\":"
            + "\"b-1\",\"quantity\":2,\"status\":\"CONFIRMED\",\"expiresAt\":\"" + Instant.ofEpochMilli(bob.expiresAt())
            + "\"}", r.lines().get(1));
    }

    @Test
    void atAPastSequenceOrdersHaveTheirStatusThen() throws IOException
    {
        final Fixture.Workload w = Journals.workload();
        final Path data = Journals.copyTo(temp);

        final Fixture.Result r = Fixture.tool("export", "--data-dir", data.toString(), "--sale", "flash", "--at-seq",
            String.valueOf(w.midQuery().sequence()));

        assertEquals(0, r.exit(), r.describe());
        assertEquals(List.of("1,CANCELLED", "2,CONFIRMED", "4,RESERVED"), r.lines().stream().skip(1)
            .map(l -> l.split(",")[0] + "," + l.split(",")[5]).toList(), r.describe());
    }

    @Test
    void anUnknownSaleOrFormatIsAClearError() throws IOException
    {
        final Path data = Journals.copyTo(temp);

        final Fixture.Result sale = Fixture.tool("export", "--data-dir", data.toString(), "--sale", "flsh");
        final Fixture.Result format = Fixture.tool("export", "--data-dir", data.toString(), "--sale", "flash",
            "--format", "xml");
        final Fixture.Result missing = Fixture.tool("export", "--data-dir", data.toString());

        assertEquals(ExitCodes.ENVIRONMENT, sale.exit(), sale.describe());
        assertTrue(sale.err().contains("no sale 'flsh' in the journal at the journal's end: sequence "), sale.describe());
        assertTrue(sale.err().contains("(sales: flash, other)"), sale.describe());
        assertEquals("", sale.out());
        assertEquals(ExitCodes.USAGE, format.exit(), format.describe());
        assertTrue(format.err().contains("--format must be csv or jsonl, was 'xml'"), format.describe());
        assertEquals(ExitCodes.USAGE, missing.exit(), missing.describe());
        assertTrue(missing.err().contains("missing --sale"), missing.describe());
    }
}
