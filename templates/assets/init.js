// Starts GOV.UK Frontend's components on the page (loaded as a module, after the library).
import { initAll } from "./govuk-frontend.min.js";

initAll();
