package org.offlinereset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The binding's statuses, name problems, structs and native declarations are the header's. */
class HeaderTest {
    static String header() throws Exception {
        return new String(Files.readAllBytes(Fixtures.repo().resolve("include/offline_reset.h")), StandardCharsets.UTF_8);
    }

    @Test
    void statusEnumIsTheHeaders() throws Exception {
        Map<String, Integer> statuses = new TreeMap<>(), problems = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*OLR_(\\w+) = (\\d+),").matcher(header());
        while (m.find()) {
            if (m.group(1).startsWith("NAME_PROBLEM_")) {
                problems.put(m.group(1).substring("NAME_PROBLEM_".length()), Integer.parseInt(m.group(2)));
            } else if (m.group(1).startsWith("GROUP_")) {
                continue; // typing-progress group states (olr_group_state), not statuses
            } else {
                statuses.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        Map<String, Integer> ours = new TreeMap<>();
        for (Status s : Status.values()) if (s != Status.UNKNOWN) ours.put(s.name(), s.number());
        assertEquals(statuses, ours);
        Map<String, Integer> ourProblems = new TreeMap<>();
        for (NameProblem p : NameProblem.values()) ourProblems.put(p.name(), p.number());
        assertEquals(problems, ourProblems);
        assertEquals(Status.UNKNOWN, Status.of(9999));
    }

    @Test
    void structLayoutsAreTheHeaders() throws Exception {
        String h = header().replaceAll("(?s)/\\*.*?\\*/", "");
        assertEquals(List.of("uint16_t code_epoch", "uint16_t current_epoch", "uint8_t mistyped_group",
                "uint8_t found_version", "uint8_t reserved[10]"), fields(h, "olr_error_details")); // 16 bytes
        assertEquals(List.of("int64_t issued_at", "int64_t expires_at"), fields(h, "olr_accepted_reset")); // long[2]
    }

    private static List<String> fields(String h, String struct) {
        Matcher m = Pattern.compile("(?s)typedef struct " + struct + " \\{(.*?)\\}").matcher(h);
        assertTrue(m.find(), struct);
        List<String> out = new ArrayList<>();
        for (String f : m.group(1).split(";")) if (!f.isBlank()) out.add(f.trim().replaceAll("\\s+", " "));
        return out;
    }

    /** The Java type each C type maps to (Native's javadoc); byte[] or Pointer for byte data. */
    static Set<Class<?>> expected(String c) {
        c = c.replace("const ", "").replace("struct ", "").replaceAll("\\s+", " ").trim();
        switch (c) {
            case "char *": case "uint8_t *": return Set.of(byte[].class, Pointer.class);
            case "olr_status": case "uint32_t": return Set.of(int.class);
            case "uint16_t": return Set.of(short.class);
            case "uint8_t": case "bool": return Set.of(byte.class);
            case "int64_t": case "uint64_t": case "size_t": return Set.of(long.class);
            case "void": return Set.of(void.class);
            case "uint16_t *": return Set.of(short[].class);
            case "uint32_t *": case "olr_name_problem_code *": return Set.of(int[].class);
            case "size_t *": case "uint64_t *": case "olr_accepted_reset *": return Set.of(long[].class);
            case "bool *": case "olr_error_details *": return Set.of(byte[].class);
            case "olr_server_key_ring *": case "olr_machine *": case "olr_replay_ledger *": return Set.of(long.class);
            case "olr_server_key_ring **": case "olr_machine **": case "olr_replay_ledger **": return Set.of(long[].class);
            default: throw new AssertionError("unmapped C type " + c);
        }
    }

    @Test
    void nativeDeclarationsAreTheHeaders() throws Exception {
        String h = header().replaceAll("(?s)#if defined\\(OLR_TEST_HOOKS\\).*?#endif", "").replaceAll("(?s)/\\*.*?\\*/", "");
        Matcher m = Pattern.compile("(?ms)^(?:OLR_MUST_USE\\s+)?([\\w ]+?\\**)\\s*(olr_\\w+)\\(([^)]*)\\);").matcher(h);
        Map<String, Method> declared = new TreeMap<>();
        for (Method method : Native.class.getDeclaredMethods()) {
            if (Modifier.isNative(method.getModifiers())) declared.put(method.getName(), method);
        }
        // Login-screen aids (and UTF-16 twins) a reset server does not need yet: listed so that a new export fails
        // here until it is wrapped or added to this list on purpose.
        Set<String> notWrapped = Set.of(
            "olr_identification_code_progress", "olr_reset_code_progress",
            "olr_identification_code_uri", "olr_identification_code_qr",
            "olr_identification_code_parse_uri_or_code", "olr_spell_code",
            "olr_identification_code_text_size", "olr_reset_code_text_size",
            "olr_deployment_package_text_size", "olr_status_name",
            // UTF-16 twins for the Windows login screen (LSA strings are UTF-16); a Java reset
            // server passes UTF-8 to their UTF-8 twins, which it wraps.
            "olr_machine_redeem_reset_code_utf16", "olr_machine_open_reset_code_for_diagnostics_utf16",
            "olr_reset_code_check_utf16", "olr_reset_code_progress_utf16", "olr_account_check_utf16",
            "olr_name_problem_utf16", "olr_account_normalize_utf16");
        Set<String> seen = new TreeSet<>();
        while (m.find()) {
            String name = m.group(2);
            if (notWrapped.contains(name)) continue;
            seen.add(name);
            Method method = declared.get(name);
            assertTrue(method != null, "not declared: " + name);
            String ret = m.group(1).trim();
            Set<Class<?>> retTypes = ret.equals("const char *") ? Set.of(Pointer.class) : expected(ret);
            assertTrue(retTypes.contains(method.getReturnType()), name + " returns " + method.getReturnType());
            String params = m.group(3).trim();
            List<String> cTypes = new ArrayList<>();
            if (!params.equals("void")) {
                for (String p : params.split(",")) cTypes.add(p.trim().replaceAll("\\s*\\b\\w+$", ""));
            }
            Class<?>[] javaTypes = method.getParameterTypes();
            assertEquals(cTypes.size(), javaTypes.length, name + " parameter count");
            for (int k = 0; k < javaTypes.length; k++) {
                assertTrue(expected(cTypes.get(k)).contains(javaTypes[k]),
                        name + " parameter " + k + ": " + cTypes.get(k) + " declared " + javaTypes[k].getSimpleName());
            }
        }
        assertEquals(declared.keySet(), seen, "declared functions = the header's");
        assertTrue(seen.size() >= 60, "parsed the header: " + seen.size());
    }

    @Test
    void abiIsCheckedAtLoad() throws Exception {
        Map<String, Long> defines = defines();
        assertEquals(2L, defines.get("ABI_VERSION_MAJOR"));
        assertEquals((defines.get("ABI_VERSION_MAJOR") << 16) | defines.get("ABI_VERSION_MINOR"), (long) OfflineReset.ABI_VERSION);
        assertEquals(2 << 16 | 1, OfflineReset.ABI_VERSION); // 2.1: the PKCS#11 functions
        assertTrue(OfflineReset.abiVersion() >= OfflineReset.ABI_VERSION, "the loaded library is 2.1 or later");
        NativeLibrary lib = NativeLibrary.getInstance(OfflineReset.libraryPath());
        Native.checkAbi(lib, OfflineReset.ABI_VERSION); // this one passes
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Native.checkAbi(lib, 3 << 16));
        assertTrue(e.getMessage().contains("C ABI 2.") && e.getMessage().contains("needs 3.0"), e.getMessage());
        // A binding written for a later minor version than the library's is refused (it may call what is not there).
        int loaded = OfflineReset.abiVersion(), later = loaded + 1;
        e = assertThrows(UnsatisfiedLinkError.class, () -> Native.checkAbi(lib, later));
        assertTrue(e.getMessage().contains("C ABI 2." + (loaded & 0xFFFF)) && e.getMessage().contains("needs 2." + (later & 0xFFFF)),
                e.getMessage());
        // A binding written for ABI 1.1 must not load a 2.x library: the signatures changed.
        e = assertThrows(UnsatisfiedLinkError.class, () -> Native.checkAbi(lib, (1 << 16) | 1));
        assertTrue(e.getMessage().contains("C ABI 2.") && e.getMessage().contains("needs 1.1"), e.getMessage());
    }

    /** The header's numeric {@code #define OLR_X n}, by name without the prefix. */
    static Map<String, Long> defines() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^#define OLR_(\\w+) (\\d+)\\s*$").matcher(header());
        while (m.find()) out.put(m.group(1), Long.parseLong(m.group(2)));
        return out;
    }

    @Test
    void constantsAreTheHeaders() throws Exception {
        Map<String, Long> h = defines();
        Map<String, Long> ours = new TreeMap<>();
        ours.put("MIN_SID_LEN", (long) OfflineReset.MIN_SID_LEN);
        ours.put("MAX_SID_LEN", (long) OfflineReset.MAX_SID_LEN);
        ours.put("PACKAGE_FINGERPRINT_LEN", (long) OfflineReset.PACKAGE_FINGERPRINT_LEN);
        ours.put("MAX_LEDGER_ACCOUNTS", (long) OfflineReset.MAX_LEDGER_ACCOUNTS);
        ours.put("MAX_LEDGER_CODES", (long) OfflineReset.MAX_LEDGER_CODES);
        ours.put("DEPLOYMENT_PACKAGE_TEXT_LEN", (long) OfflineReset.DEPLOYMENT_PACKAGE_TEXT_LEN);
        ours.put("DEFAULT_PASSWORD_MEMORY_KIB", (long) PasswordCost.DEFAULT.memoryKib());
        ours.put("DEFAULT_PASSWORD_ITERATIONS", (long) PasswordCost.DEFAULT.iterations());
        ours.put("DEFAULT_PASSWORD_PARALLELISM", (long) PasswordCost.DEFAULT.parallelism());
        ours.put("MIN_PASSWORD_MEMORY_KIB", (long) PasswordCost.MINIMUM.memoryKib());
        ours.put("MIN_PASSWORD_ITERATIONS", (long) PasswordCost.MINIMUM.iterations());
        ours.put("DEFAULT_LIFETIME_MINUTES", (long) Policy.DEFAULT.resetCodeLifetimeMinutes());
        ours.put("DEFAULT_CLOCK_SKEW_MINUTES", (long) Policy.DEFAULT.clockSkewMinutes());
        for (Map.Entry<String, Long> e : ours.entrySet()) assertEquals(h.get(e.getKey()), e.getValue(), "OLR_" + e.getKey());
        // and the library's own answers, where it has a function for them
        assertEquals(h.get("MAX_LEDGER_ACCOUNTS"), (long) Native.MAX_LEDGER_ACCOUNTS);
        assertEquals(h.get("MAX_LEDGER_CODES"), (long) Native.MAX_LEDGER_CODES);
        assertEquals(h.get("DEPLOYMENT_PACKAGE_TEXT_LEN"), (long) Native.DEPLOYMENT_PACKAGE_TEXT_LEN);
        assertEquals(h.get("MACHINE_STATE_MAX_LEN"), Native.olr_machine_state_max_len());
        assertEquals(h.get("SERVER_KEY_RING_MAX_LEN"), Native.olr_server_key_ring_max_len());
        assertEquals(h.get("REPLAY_LEDGER_MAX_LEN"), Native.olr_replay_ledger_max_len());
        assertEquals(h.get("WRAPPING_KEY_LEN"), (long) Native.WRAPPING_KEY_LEN);
        assertEquals(h.get("RESET_CODE_TEXT_LEN"), (long) Native.RESET_CODE_TEXT_LEN);
        assertEquals(h.get("IDENTIFICATION_CODE_TEXT_LEN"), (long) Native.IDENTIFICATION_CODE_TEXT_LEN);
        assertEquals(h.get("MAX_NAME_LEN"), (long) Native.MAX_NAME_LEN);
        assertEquals(h.get("MAX_GENERATIONS"), (long) Native.MAX_GENERATIONS);
    }

    @Test
    void libraryLookupOrder() throws Exception {
        String savedProp = System.getProperty(OfflineReset.LIBRARY_PROPERTY);
        String savedJna = System.getProperty("jna.library.path");
        java.nio.file.Path dir = Files.createTempDirectory("olr-lookup");
        try {
            System.setProperty(OfflineReset.LIBRARY_PROPERTY, "/nowhere/x.so");
            assertEquals("/nowhere/x.so", OfflineReset.findLibrary().toString(), "explicit path first, no fallback");
            if (System.getenv(OfflineReset.LIBRARY_ENV) == null) {
                System.clearProperty(OfflineReset.LIBRARY_PROPERTY);
                java.nio.file.Path lib = Files.createFile(dir.resolve(OfflineReset.libraryFileName()));
                System.setProperty("jna.library.path", "" + java.io.File.pathSeparator + "/nowhere" + java.io.File.pathSeparator + dir);
                assertEquals(lib.toAbsolutePath(), OfflineReset.findLibrary(), "jna.library.path");
                Files.delete(lib);
                if (OfflineReset.class.getResource(OfflineReset.packagedResource()) == null) {
                    UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, OfflineReset::findLibrary);
                    assertTrue(e.getMessage().contains("classpath:" + OfflineReset.packagedResource()), e.getMessage());
                    String cwdCandidate = java.nio.file.Paths.get("").toAbsolutePath().resolve(OfflineReset.libraryFileName()).toString();
                    assertTrue(!e.getMessage().contains(cwdCandidate + ","), "never the working directory: " + e.getMessage());
                }
            }
        } finally {
            if (savedProp == null) System.clearProperty(OfflineReset.LIBRARY_PROPERTY);
            else System.setProperty(OfflineReset.LIBRARY_PROPERTY, savedProp);
            if (savedJna == null) System.clearProperty("jna.library.path");
            else System.setProperty("jna.library.path", savedJna);
            Files.deleteIfExists(dir.resolve(OfflineReset.libraryFileName()));
            Files.delete(dir);
        }
    }
}
