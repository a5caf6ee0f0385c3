// The check lives in the domain so that a task is judged by the very same function when
// it is written (services) and when its run calls out (executors, notifications).
export { isPrivateTarget } from "../domain/address";
