// Page "chiedi": built by its own module (to be completed).
import '../lib/boot.js';
