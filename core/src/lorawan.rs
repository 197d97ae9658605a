//! LoRaWAN facts the fragment planner needs (TS004 fragmentation limits, RP002 regional payload sizes).
