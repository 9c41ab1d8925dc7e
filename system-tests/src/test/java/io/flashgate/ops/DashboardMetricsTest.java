package io.flashgate.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric a panel of {@code ops/grafana/flashgate-dashboard.json} queries is in {@code /metrics} of a running
 * Flashgate ({@code run}'s composition root, after a purchase so labelled series exist), and
 * {@code ops/prometheus.yml} scrapes the two jobs the panels select.
 */
class DashboardMetricsTest
{
    private static final Path DASHBOARD = Path.of("..", "ops", "grafana", "flashgate-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bflashgate_[a-z0-9_]+");

    @Test
    @Timeout(120)
    void everyMetricAPanelQueriesIsServed(@TempDir final Path data) throws Exception
    {
        final Set<String> queried = queriedMetrics();
        assertTrue(queried.size() >= 15, "the dashboard queries " + queried);
        try (InProcessRun run = new InProcessRun(data, Map.of()))
        {
            assertEquals(201, run.shopper.createSale("dash", 1, 1).status());
            assertEquals(201, run.shopper.purchase("dash", "alice", "k1").get().status());
            assertEquals(409, run.shopper.purchase("dash", "bob", "k2").get().status());
            final String metrics = run.shopper.metrics();
            final List<String> missing = new ArrayList<>();
            for (final String name : queried)
            {
                if (!served(metrics, name))
                {
                    missing.add(name);
                }
            }
            assertTrue(missing.isEmpty(), "queried by a panel, absent from /metrics: " + missing + "\n" + metrics);
        }
    }

    @Test
    void prometheusScrapesTheJobsThePanelsSelect() throws Exception
    {
        final String dashboard = String.join("\n", expressions());
        final String prometheus = Files.readString(Path.of("..", "ops", "prometheus.yml"));
        final Matcher jobs = Pattern.compile("job=\"([a-z-]+)\"").matcher(dashboard);
        final Set<String> selected = new TreeSet<>();
        while (jobs.find())
        {
            selected.add(jobs.group(1));
        }
        assertEquals(Set.of("flashgate-engine", "flashgate-edge"), selected);
        for (final String job : selected)
        {
            assertTrue(prometheus.contains("job_name: " + job), job + " is not scraped by ops/prometheus.yml");
        }
    }

    @Test
    void thePanelsAskedForAreThere() throws Exception
    {
        final JsonNode dashboard = Shopper.JSON.readTree(DASHBOARD.toFile());
        final List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        for (final String wanted : List.of("Purchases per second by outcome", "percentiles", "Ring fill",
            "Journal flush time", "In flight", "Shed and throttled", "Standby lag"))
        {
            assertTrue(titles.stream().anyMatch(t -> t.contains(wanted)), wanted + " missing from " + titles);
        }
    }

    /** Every panel's queries. */
    static List<String> expressions() throws Exception
    {
        final JsonNode dashboard = Shopper.JSON.readTree(DASHBOARD.toFile());
        final List<String> expressions = new ArrayList<>();
        for (final JsonNode panel : dashboard.path("panels"))
        {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    /** The metric names in every panel's queries. */
    static Set<String> queriedMetrics() throws Exception
    {
        final Set<String> names = new TreeSet<>();
        for (final String expression : expressions())
        {
            final Matcher m = METRIC.matcher(expression);
            while (m.find())
            {
                names.add(m.group());
            }
        }
        assertFalse(names.isEmpty());
        return names;
    }

    /** A sample line of {@code name} (a summary's quantile lines included), not just its HELP and TYPE. */
    static boolean served(final String metrics, final String name)
    {
        return metrics.lines().anyMatch(line -> line.startsWith(name + " ") || line.startsWith(name + "{"));
    }
}
