// The entry point SwiftPM links an executable with (FuzzFieldLog_main): hands over to libFuzzer.
int FuzzFieldLog_main(int argc, char **argv);
