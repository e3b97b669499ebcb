/**
 * The server side of a test double's connection: frames in, commands out. A frame that does not
 * decode closes the connection, as a broker closes a channel it cannot read.
 */
import type * as net from 'node:net';
import { FrameDecoder } from '../remoting/protocol/frame-decoder';
import { RemotingCommand } from '../remoting/protocol/remoting-command';

export function readCommands(socket: net.Socket, onCommand: (cmd: RemotingCommand) => void, decoder = new FrameDecoder()): void {
  socket.on('data', (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    for (const f of frames) {
      let cmd: RemotingCommand;
      try {
        cmd = RemotingCommand.decode(Buffer.from(f));
      } catch {
        socket.destroy();
        return;
      }
      onCommand(cmd);
    }
  });
}
