package io.flashgate.ops;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The units in ops/systemd/: each restarts on failure but not on a configuration error, runs a real launcher command
 * with options the launcher accepts, names only documented exit codes, and passes {@code systemd-analyze verify}
 * where the machine has it.
 */
class SystemdUnitsTest
{
    private static final Path UNITS = Path.of("systemd");
    private static final String INSTALLED_LAUNCHER = "/opt/flashgate/ops/flashgate";
    private static final Pattern EXIT_ROW = Pattern.compile("^\\| (\\d+) \\|", Pattern.MULTILINE);

    @TempDir
    Path copies;

    /** Section name -> key -> values, in file order (a key may repeat). */
    private static Map<String, Map<String, List<String>>> parse(final Path unit) throws IOException
    {
        final Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        for (final String raw : Files.readAllLines(unit))
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))
            {
                continue;
            }
            if (line.startsWith("["))
            {
                section = sections.computeIfAbsent(line.substring(1, line.indexOf(']')), s -> new LinkedHashMap<>());
                continue;
            }
            assertTrue(section != null && line.contains("="), unit + ": not key=value: " + line);
            section.computeIfAbsent(line.substring(0, line.indexOf('=')).strip(), k -> new ArrayList<>())
                .add(line.substring(line.indexOf('=') + 1).strip());
        }
        return sections;
    }

    private static List<Path> units() throws IOException
    {
        try (Stream<Path> files = Files.list(UNITS))
        {
            return files.filter(file -> file.toString().endsWith(".service")).sorted().toList();
        }
    }

    private static Set<Integer> documentedExitCodes() throws IOException
    {
        final String config = Files.readString(Path.of("..", "docs", "CONFIG.md"));
        final String table = config.substring(config.indexOf("## Exit codes"));
        final Matcher rows = EXIT_ROW.matcher(table);
        final Set<Integer> codes = new java.util.TreeSet<>();
        while (rows.find())
        {
            codes.add(Integer.parseInt(rows.group(1)));
        }
        return codes;
    }

    @Test
    void unitsForTheEngineTheEdgeAndTheAllInOneRun() throws IOException
    {
        assertEquals(List.of("flashgate-edge@.service", "flashgate-engine.service", "flashgate-run.service"),
            units().stream().map(unit -> unit.getFileName().toString()).toList());
    }

    @Test
    void eachRestartsOnFailureButNotOnAConfigurationError() throws Exception
    {
        final Set<Integer> documented = documentedExitCodes();
        assertTrue(documented.containsAll(Set.of(ExitCodes.OK, ExitCodes.FAILED, ExitCodes.USAGE,
            ExitCodes.ENVIRONMENT, ExitCodes.DRIVER_LOST, 143)), "docs/CONFIG.md exit codes: " + documented);
        final Map<String, LauncherVerb> serving = ServeVerb.all().stream()
            .collect(Collectors.toMap(ServeVerb::name, verb -> verb));
        for (final Path unit : units())
        {
            final Map<String, List<String>> service = parse(unit).get("Service");
            assertTrue(service != null, unit + " has no [Service]");
            assertEquals(List.of("on-failure"), service.get("Restart"), unit.toString());
            assertTrue(service.containsKey("RestartSec"), unit + ": RestartSec");
            assertTrue(Long.parseLong(service.get("LimitNOFILE").get(0)) >= 4096, unit + ": LimitNOFILE");
            assertTrue(service.containsKey("EnvironmentFile"), unit + ": EnvironmentFile");
            assertEquals(List.of(Integer.toString(ExitCodes.USAGE)), service.get("RestartPreventExitStatus"),
                unit + ": only a usage or configuration error must not restart (3 is also the JVM's OOM exit)");
            for (final String key : List.of("RestartPreventExitStatus", "SuccessExitStatus"))
            {
                for (final String code : String.join(" ", service.getOrDefault(key, List.of())).split("\\s+"))
                {
                    assertTrue(documented.contains(Integer.parseInt(code)),
                        unit + ": " + key + " names exit code " + code + ", not in docs/CONFIG.md");
                }
            }

            final List<String> command = service.get("ExecStart");
            assertEquals(1, command.size(), unit.toString());
            final List<String> words = Arrays.asList(command.get(0).split("\\s+"));
            assertEquals(INSTALLED_LAUNCHER, words.get(0), unit + ": runs the launcher script");
            final LauncherVerb verb = serving.get(words.get(1));
            assertTrue(verb != null, unit + ": '" + words.get(1) + "' is not a serving command of the launcher");
            final Args args = verb.parse(Launcher.PROGRAM, words.subList(2, words.size()));
            assertTrue(args.values().containsKey("config"), unit + ": the YAML settings come via --config");
        }
    }

    @Test
    void systemdAnalyzeVerifyFindsNothing() throws Exception
    {
        final Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
            .filter(Files::isExecutable).findFirst().orElse(null);
        // Reported as skipped (not passed) where the machine lacks it; the parser checks above run everywhere.
        org.junit.jupiter.api.Assumptions.assumeTrue(analyze != null, "systemd-analyze is not on this machine");
        final String launcher = Path.of("flashgate").toAbsolutePath().toString();
        final List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify", "--man=no"));
        for (final Path unit : units())
        {
            // The installed path does not exist here: point at this checkout's script; a template needs an instance.
            final String name = unit.getFileName().toString().replace("@.service", "@test.service");
            Files.writeString(copies.resolve(name), Files.readString(unit).replace(INSTALLED_LAUNCHER, launcher));
            command.add(copies.resolve(name).toString());
        }
        final Process verify = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(verify.getInputStream().readAllBytes());
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify hangs");
        assertEquals(0, verify.exitValue(), output);
        assertEquals("", output.strip(), "systemd-analyze verify warns");
    }
}
