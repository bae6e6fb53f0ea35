// The contract of every backend, on the sim.
import { contract, SIM } from '../helpers/contract.js';

contract(SIM);
