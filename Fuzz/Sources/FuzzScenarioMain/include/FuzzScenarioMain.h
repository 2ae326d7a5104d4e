// The entry point SwiftPM links an executable with (FuzzScenario_main): hands over to libFuzzer.
int FuzzScenario_main(int argc, char **argv);
