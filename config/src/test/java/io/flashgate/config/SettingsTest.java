package io.flashgate.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue: names unique, every default within its own rule, every key read into the tree, docs complete. */
class SettingsTest
{
    @Test
    void keysVariablesAndFlagsAreUniqueAndEveryDefaultKeepsItsOwnRule()
    {
        assertEquals(Settings.ALL_SETTINGS.size(), Settings.ALL_SETTINGS.stream().map(Setting::key).distinct().count());
        assertEquals(Settings.ALL_SETTINGS.size(), Settings.ALL_SETTINGS.stream().map(Setting::env).distinct().count());
        assertEquals(Settings.ALL_SETTINGS.size(), Settings.ALL_SETTINGS.stream().map(Setting::flag).distinct().count());
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            assertTrue(setting.env().startsWith("FLASHGATE_"), setting.key());
            final String asText = String.valueOf(setting.defaultValue());
            assertEquals(setting.defaultValue(), setting.type().fromText(asText), setting.key() + " default breaks its rule");
        }
    }

    @Test
    void theTreeReadsEverySettingOnce()
    {
        final Set<String> asked = new LinkedHashSet<>();
        final FlashgateConfig tree = FlashgateConfig.from(key ->
        {
            assertTrue(asked.add(key), key + " read twice");
            return Settings.get(key).defaultValue();
        });
        assertEquals(Settings.ALL_SETTINGS.stream().map(Setting::key).collect(Collectors.toCollection(LinkedHashSet::new)),
            asked);
        assertEquals(FlashgateConfig.defaults(), tree);
    }

    @Test
    void theExampleFileSetsEverySettingAtItsDefault() throws Exception
    {
        final Path example = Path.of("..", "ops", "flashgate.example.yaml");
        assertTrue(Files.exists(example), example.toAbsolutePath().toString());
        final LoadedConfig loaded = ConfigLoader.load(Map.of(), Map.of("config", example.toString()));
        assertEquals(FlashgateConfig.defaults(), loaded.config());
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            assertEquals(Source.FILE, loaded.origin(setting.key()).source(), setting.key() + " missing from the example");
        }
        assertEquals(SettingsText.example(), Files.readString(example),
            "ops/flashgate.example.yaml is not what SettingsText.example() writes: regenerate it");
    }

    @Test
    void configDocsListEverySettingWithItsTypeRuleDefaultVariableAndFlag() throws Exception
    {
        final Path docs = Path.of("..", "docs", "CONFIG.md");
        final String text = Files.readString(docs);
        for (final Setting setting : Settings.ALL_SETTINGS)
        {
            final String row = text.lines().filter(line -> line.startsWith("| `" + setting.key() + "` |")).findFirst()
                .orElse(null);
            assertNotNull(row, setting.key() + " is missing from docs/CONFIG.md");
            for (final String part : new String[] {setting.env(), "--" + setting.flag(), setting.defaultText(),
                setting.type().rule().replace("|", "\\|")})
            {
                assertTrue(row.contains(part), setting.key() + ": docs/CONFIG.md row lacks " + part + ":\n" + row);
            }
        }
        for (final String code : new String[] {"| 0 |", "| 1 |", "| 2 |", "| 3 |"})
        {
            assertTrue(text.contains(code), "exit code " + code + " missing from docs/CONFIG.md");
        }
    }

    @Test
    void printedSettingsLoadBackToTheSameSettings() throws Exception
    {
        final Map<String, String> env = new HashMap<>(Map.of("FLASHGATE_USER_RATE_PER_SECOND", "2.5", "FLASHGATE_TOKEN_SECRET",
            "s3cret-not-printed"));
        final LoadedConfig loaded = ConfigLoader.load(env, Map.of("ring-size", "1024", "flush-policy", "fsync"));
        final String yaml = SettingsText.yaml(loaded);
        assertTrue(!yaml.contains("s3cret"), yaml);
        final Path file = Files.createTempFile("printed", ".yaml");
        try
        {
            Files.writeString(file, yaml);
            final LoadedConfig again = ConfigLoader.load(Map.of("FLASHGATE_TOKEN_SECRET", "s3cret-not-printed"),
                Map.of("config", file.toString()));
            assertEquals(loaded.config(), again.config());
        }
        finally
        {
            Files.delete(file);
        }
    }
}
