/** Re-exports `ws` for code outside this package (bench/) that cannot resolve the bridge's dependencies itself. */
export { WebSocket, WebSocketServer } from 'ws';
