package io.mgw.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module dependency rules of ARCHITECTURE.md §3, checked on the compiled classes so the picture cannot rot:
 * dependencies point one way (modules depend on gateway-core, never on each other; only gateway-server knows all),
 * and protocol code never imports Kafka, Camel or JDBC.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mgw");
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.mgw.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.routing..", "io.mgw.store..",
                        "io.mgw.smpp..", "io.mgw.ops..", "io.mgw.server..", "io.mgw.testkit..", "io.mgw.bench..")
                .check(classes);
    }

    @Test
    void coreKnowsNoKafkaCamelOrJdbc() {
        noClasses().that().resideInAPackage("io.mgw.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.camel..",
                        "java.sql..", "javax.sql..", "io.netty..")
                .check(classes);
    }

    @Test
    void protocolModulesAreIndependent() {
        noClasses().that().resideInAPackage("io.mgw.smpp..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.routing..", "io.mgw.store..",
                        "io.mgw.ops..", "io.mgw.server..", "io.mgw.testkit..")
                .check(classes);
    }

    @Test
    void protocolCodeNeverImportsKafkaCamelOrJdbc() {
        noClasses().that().resideInAPackage("io.mgw.smpp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.camel..",
                        "java.sql..", "javax.sql..")
                .check(classes);
    }

    @Test
    void storeRoutingAndOpsDependOnlyOnCore() {
        noClasses().that().resideInAPackage("io.mgw.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.routing..", "io.mgw.smpp..",
                        "io.mgw.ops..", "io.mgw.server..", "io.mgw.testkit..")
                .check(classes);
        noClasses().that().resideInAPackage("io.mgw.routing..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.store..", "io.mgw.smpp..",
                        "io.mgw.ops..", "io.mgw.server..", "io.mgw.testkit..")
                .check(classes);
        noClasses().that().resideInAPackage("io.mgw.ops..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.routing..", "io.mgw.store..",
                        "io.mgw.smpp..", "io.mgw.server..", "io.mgw.testkit..", "org.apache.kafka..",
                        "org.apache.camel..")
                .check(classes);
    }

    @Test
    void testKitIsNotWiredIntoModules() {
        noClasses().that().resideInAPackage("io.mgw.testkit..")
                .should().dependOnClassesThat().resideInAnyPackage("io.mgw.routing..", "io.mgw.store..",
                        "io.mgw.ops..", "io.mgw.server..", "io.mgw.smpp..")
                .check(classes);
    }
}
